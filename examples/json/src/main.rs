//! A serde/JSON round trip with floats: parses an order book from the input (JSON), computes
//! totals, serializes a summary back to JSON and publishes it. Exercises std, allocation,
//! formatting and soft floats.

use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Order {
    item: String,
    quantity: u32,
    unit_price: f64,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Summary {
    orders: usize,
    items: u32,
    total: f64,
    mean_price: f64,
    most_expensive: String,
}

fn main() {
    let input = ziskos_bindings::read_input();
    let orders: Vec<Order> = serde_json::from_slice(&input).expect("input: a JSON array of orders");
    let items: u32 = orders.iter().map(|o| o.quantity).sum();
    let total: f64 = orders.iter().map(|o| o.quantity as f64 * o.unit_price).sum();
    let most_expensive = orders.iter().max_by(|a, b| a.unit_price.total_cmp(&b.unit_price)).map(|o| o.item.clone()).unwrap_or_default();
    let summary = Summary { orders: orders.len(), items, total: (total * 100.0).round() / 100.0, mean_price: total / items.max(1) as f64, most_expensive };
    let json = serde_json::to_string(&summary).expect("serializing");
    ziskos_bindings::println!("{json}");
    // The round trip must give back the same summary.
    assert_eq!(serde_json::from_str::<Summary>(&json).expect("parsing back"), summary);
    ziskos_bindings::commit(json.as_bytes());
}
