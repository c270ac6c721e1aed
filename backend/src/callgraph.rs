//! Which functions can recurse. Calls through a table may reach any function whose address
//! is taken, so an indirect call site is an edge to every such function. A function in a
//! cycle (Tarjan's strongly connected components) can have several activations at once and
//! keeps a stack frame; every other function gets a static frame.

use std::collections::{HashMap, HashSet};

pub type Key = (u32, u32);

pub struct CallGraph {
    pub edges: HashMap<Key, Vec<Key>>,
}

impl CallGraph {
    /// Functions that may be active more than once at a time.
    pub fn recursive(&self) -> HashSet<Key> {
        let mut t = Tarjan { graph: self, index: HashMap::new(), low: HashMap::new(), stack: vec![], on_stack: HashSet::new(), next: 0, out: HashSet::new() };
        let mut nodes: Vec<Key> = self.edges.keys().copied().collect();
        nodes.sort();
        for n in nodes {
            if !t.index.contains_key(&n) {
                t.visit(n);
            }
        }
        t.out
    }
}

struct Tarjan<'g> {
    graph: &'g CallGraph,
    index: HashMap<Key, usize>,
    low: HashMap<Key, usize>,
    stack: Vec<Key>,
    on_stack: HashSet<Key>,
    next: usize,
    out: HashSet<Key>,
}

impl Tarjan<'_> {
    // Recursive: call graphs of real programs are shallow enough (thousands of functions).
    fn visit(&mut self, v: Key) {
        self.index.insert(v, self.next);
        self.low.insert(v, self.next);
        self.next += 1;
        self.stack.push(v);
        self.on_stack.insert(v);
        let succs = self.graph.edges.get(&v).cloned().unwrap_or_default();
        for w in &succs {
            if !self.index.contains_key(w) {
                self.visit(*w);
                let lw = self.low[w];
                let lv = self.low.get_mut(&v).unwrap();
                *lv = (*lv).min(lw);
            } else if self.on_stack.contains(w) {
                let iw = self.index[w];
                let lv = self.low.get_mut(&v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if self.low[&v] == self.index[&v] {
            let mut component = Vec::new();
            loop {
                let w = self.stack.pop().expect("v is on the stack");
                self.on_stack.remove(&w);
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 || succs.contains(&v) {
                self.out.extend(component);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_self_and_mutual_recursion_only() {
        let g = CallGraph {
            edges: HashMap::from([
                ((0, 1), vec![(0, 2), (0, 5)]),
                ((0, 2), vec![(0, 3)]),
                ((0, 3), vec![(0, 2)]),
                ((0, 4), vec![(0, 4)]),
                ((0, 5), vec![]),
            ]),
        };
        let r = g.recursive();
        assert_eq!(r, HashSet::from([(0, 2), (0, 3), (0, 4)]));
    }
}
