//! Ethereum's Merkle-Patricia trie over a partial witness: lookups, inserts and deletes on the
//! opened part, and the root hash. Paths are nibble strings; a subtree the witness only names by
//! hash (`Digest`) may not be entered, and doing so is an error, never a guess.

use alloc::{boxed::Box, vec::Vec};
use alloy_primitives::{keccak256, B256};
use alloy_rlp::{Encodable, Header, EMPTY_STRING_CODE};
use core::fmt;

use crate::witness::MptNode;

/// The root hash of the empty trie, keccak256(rlp("")).
pub const EMPTY_ROOT: B256 =
    alloy_primitives::b256!("56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");

#[derive(Debug, PartialEq, Eq)]
pub enum TrieError {
    /// The operation needs a subtree the witness only holds as this hash.
    Unresolved(B256),
    /// A witness node breaks the trie's shape (e.g. a value stored in a branch).
    Malformed(&'static str),
}

impl fmt::Display for TrieError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrieError::Unresolved(h) => write!(f, "the witness does not open trie node {h}"),
            TrieError::Malformed(what) => write!(f, "malformed trie witness: {what}"),
        }
    }
}

/// A node's reference inside its parent: the RLP itself when shorter than 32 bytes, else its hash.
#[derive(Clone)]
enum NodeRef {
    Inline(Vec<u8>),
    Hash(B256),
}

enum Kind {
    Null,
    Branch(Box<[Option<Node>; 16]>),
    Leaf { path: Vec<u8>, value: Vec<u8> },
    Extension { path: Vec<u8>, child: Box<Node> },
    Digest(B256),
}

/// A trie node and, once computed and until the node changes, its reference.
pub struct Node {
    kind: Kind,
    cached: Option<NodeRef>,
}

impl Node {
    fn new(kind: Kind) -> Self {
        Node { kind, cached: None }
    }

    pub fn empty() -> Self {
        Node::new(Kind::Null)
    }

    /// A trie known only by its root hash.
    pub fn digest(root: B256) -> Self {
        Node::new(Kind::Digest(root))
    }

    /// Takes over a witness node, unpacking hex-prefix paths into nibbles.
    pub fn from_witness(node: &MptNode) -> Result<Self, TrieError> {
        let kind = match node {
            MptNode::Null => Kind::Null,
            MptNode::Digest(hash) => Kind::Digest(*hash),
            MptNode::Leaf(path, value) => {
                let (path, is_leaf) = decode_hex_prefix(path)?;
                if !is_leaf {
                    return Err(TrieError::Malformed("leaf with an extension's path flag"));
                }
                Kind::Leaf { path, value: value.clone() }
            }
            MptNode::Extension(path, child) => {
                let (path, is_leaf) = decode_hex_prefix(path)?;
                if is_leaf || path.is_empty() {
                    return Err(TrieError::Malformed("extension with a leaf flag or an empty path"));
                }
                Kind::Extension { path, child: Box::new(Node::from_witness(child)?) }
            }
            MptNode::Branch(children) => {
                let mut out: [Option<Node>; 16] = Default::default();
                for (slot, child) in out.iter_mut().zip(children.iter()) {
                    if let Some(child) = child {
                        let child = Node::from_witness(child)?;
                        if !matches!(child.kind, Kind::Null) {
                            *slot = Some(child);
                        }
                    }
                }
                Kind::Branch(Box::new(out))
            }
        };
        Ok(Node::new(kind))
    }

    /// The value stored under `key` (a 32-byte hashed key), if any.
    pub fn get(&self, key: &[u8]) -> Result<Option<&[u8]>, TrieError> {
        let nibbles = to_nibbles(key);
        let mut node = self;
        let mut rest = &nibbles[..];
        loop {
            match &node.kind {
                Kind::Null => return Ok(None),
                Kind::Digest(hash) => return Err(TrieError::Unresolved(*hash)),
                Kind::Leaf { path, value } => {
                    return Ok((path[..] == *rest).then_some(&value[..]));
                }
                Kind::Extension { path, child } => match rest.strip_prefix(&path[..]) {
                    Some(tail) => (node, rest) = (child, tail),
                    None => return Ok(None),
                },
                Kind::Branch(children) => {
                    let Some((&first, tail)) = rest.split_first() else {
                        return Err(TrieError::Malformed("key ends at a branch"));
                    };
                    match &children[first as usize] {
                        Some(child) => (node, rest) = (child, tail),
                        None => return Ok(None),
                    }
                }
            }
        }
    }

    /// Stores `value` (non-empty) under `key`.
    pub fn insert(&mut self, key: &[u8], value: Vec<u8>) -> Result<(), TrieError> {
        self.insert_nibbles(&to_nibbles(key), value)
    }

    fn insert_nibbles(&mut self, key: &[u8], value: Vec<u8>) -> Result<(), TrieError> {
        self.cached = None;
        match &mut self.kind {
            Kind::Null => self.kind = Kind::Leaf { path: key.to_vec(), value },
            Kind::Digest(hash) => return Err(TrieError::Unresolved(*hash)),
            Kind::Branch(children) => {
                let Some((&first, tail)) = key.split_first() else {
                    return Err(TrieError::Malformed("key ends at a branch"));
                };
                match &mut children[first as usize] {
                    Some(child) => child.insert_nibbles(tail, value)?,
                    slot => *slot = Some(Node::new(Kind::Leaf { path: tail.to_vec(), value })),
                }
            }
            Kind::Leaf { path, value: old } => {
                let common = common_prefix(path, key);
                if common == path.len() && common == key.len() {
                    *old = value;
                    return Ok(());
                }
                if common == path.len() || common == key.len() {
                    return Err(TrieError::Malformed("one key is a prefix of another"));
                }
                let old_leaf = Kind::Leaf { path: path[common + 1..].to_vec(), value: core::mem::take(old) };
                let mut children: [Option<Node>; 16] = Default::default();
                children[path[common] as usize] = Some(Node::new(old_leaf));
                children[key[common] as usize] =
                    Some(Node::new(Kind::Leaf { path: key[common + 1..].to_vec(), value }));
                self.kind = with_prefix(&key[..common], Kind::Branch(Box::new(children)));
            }
            Kind::Extension { path, child } => {
                let common = common_prefix(path, key);
                if common == path.len() {
                    return child.insert_nibbles(&key[common..], value);
                }
                if common == key.len() {
                    return Err(TrieError::Malformed("key ends inside an extension"));
                }
                let old_child = core::mem::replace(child, Box::new(Node::empty()));
                let below = if common + 1 == path.len() {
                    *old_child
                } else {
                    Node::new(Kind::Extension { path: path[common + 1..].to_vec(), child: old_child })
                };
                let mut children: [Option<Node>; 16] = Default::default();
                children[path[common] as usize] = Some(below);
                children[key[common] as usize] =
                    Some(Node::new(Kind::Leaf { path: key[common + 1..].to_vec(), value }));
                self.kind = with_prefix(&key[..common], Kind::Branch(Box::new(children)));
            }
        }
        Ok(())
    }

    /// Removes `key`; returns whether it was present.
    pub fn remove(&mut self, key: &[u8]) -> Result<bool, TrieError> {
        self.remove_nibbles(&to_nibbles(key))
    }

    fn remove_nibbles(&mut self, key: &[u8]) -> Result<bool, TrieError> {
        let removed = match &mut self.kind {
            Kind::Null => false,
            Kind::Digest(hash) => return Err(TrieError::Unresolved(*hash)),
            Kind::Leaf { path, .. } => {
                if path[..] != *key {
                    return Ok(false);
                }
                self.kind = Kind::Null;
                true
            }
            Kind::Extension { path, child } => {
                let Some(tail) = key.strip_prefix(&path[..]) else { return Ok(false) };
                if !child.remove_nibbles(tail)? {
                    return Ok(false);
                }
                // The child may have shrunk to a leaf or extension: join the paths.
                let prefix = core::mem::take(path);
                let child = core::mem::replace(&mut **child, Node::empty());
                self.kind = with_prefix(&prefix, child.kind);
                true
            }
            Kind::Branch(children) => {
                let Some((&first, tail)) = key.split_first() else {
                    return Err(TrieError::Malformed("key ends at a branch"));
                };
                let slot = &mut children[first as usize];
                let Some(child) = slot else { return Ok(false) };
                if !child.remove_nibbles(tail)? {
                    return Ok(false);
                }
                if matches!(child.kind, Kind::Null) {
                    *slot = None;
                }
                let mut left = children.iter().enumerate().filter(|(_, c)| c.is_some());
                match (left.next(), left.next()) {
                    (Some((only, _)), None) => {
                        // A branch with one child left becomes that child behind one more nibble;
                        // what that means depends on the child's shape, so it must be open.
                        let child = children[only].take().expect("counted above");
                        if let Kind::Digest(hash) = child.kind {
                            return Err(TrieError::Unresolved(hash));
                        }
                        self.kind = with_prefix(&[only as u8], child.kind);
                    }
                    (None, _) => self.kind = Kind::Null,
                    _ => {}
                }
                true
            }
        };
        if removed {
            self.cached = None;
        }
        Ok(removed)
    }

    /// The trie's root hash.
    pub fn hash(&mut self) -> B256 {
        match self.reference() {
            NodeRef::Hash(hash) => hash,
            NodeRef::Inline(rlp) => keccak256(rlp),
        }
    }

    fn reference(&mut self) -> NodeRef {
        if let Kind::Digest(hash) = self.kind {
            return NodeRef::Hash(hash);
        }
        if let Some(cached) = &self.cached {
            return cached.clone();
        }
        let rlp = self.encode();
        let reference = if rlp.len() < 32 { NodeRef::Inline(rlp) } else { NodeRef::Hash(keccak256(&rlp)) };
        self.cached = Some(reference.clone());
        reference
    }

    /// The node's RLP encoding.
    fn encode(&mut self) -> Vec<u8> {
        let mut payload = Vec::new();
        match &mut self.kind {
            Kind::Null => return alloc::vec![EMPTY_STRING_CODE],
            Kind::Digest(_) => unreachable!("digests are references already"),
            Kind::Leaf { path, value } => {
                encode_hex_prefix(path, true).as_slice().encode(&mut payload);
                value.as_slice().encode(&mut payload);
            }
            Kind::Extension { path, child } => {
                encode_hex_prefix(path, false).as_slice().encode(&mut payload);
                child.reference().encode(&mut payload);
            }
            Kind::Branch(children) => {
                for child in children.iter_mut() {
                    match child {
                        Some(child) => child.reference().encode(&mut payload),
                        None => payload.push(EMPTY_STRING_CODE),
                    }
                }
                payload.push(EMPTY_STRING_CODE); // branches here never hold a value
            }
        }
        let mut out = Vec::with_capacity(payload.len() + 5);
        Header { list: true, payload_length: payload.len() }.encode(&mut out);
        out.extend_from_slice(&payload);
        out
    }
}

impl NodeRef {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            NodeRef::Inline(rlp) => out.extend_from_slice(rlp),
            NodeRef::Hash(hash) => hash.encode(out),
        }
    }
}

/// `kind` reached through `prefix` more nibbles: paths of leaves and extensions absorb it.
fn with_prefix(prefix: &[u8], kind: Kind) -> Kind {
    if prefix.is_empty() {
        return kind;
    }
    let join = |path: &[u8]| [prefix, path].concat();
    match kind {
        Kind::Leaf { path, value } => Kind::Leaf { path: join(&path), value },
        Kind::Extension { path, child } => Kind::Extension { path: join(&path), child },
        Kind::Null => Kind::Null,
        other => Kind::Extension { path: prefix.to_vec(), child: Box::new(Node::new(other)) },
    }
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn to_nibbles(key: &[u8]) -> Vec<u8> {
    key.iter().flat_map(|b| [b >> 4, b & 0xf]).collect()
}

/// Hex-prefix encoding (yellow paper appendix C): flag nibble (2 for leaves, +1 if odd length).
fn encode_hex_prefix(nibbles: &[u8], leaf: bool) -> Vec<u8> {
    let flag = if leaf { 2 } else { 0 };
    let mut out = Vec::with_capacity(nibbles.len() / 2 + 1);
    let rest = if nibbles.len() % 2 == 1 {
        out.push(((flag + 1) << 4) | nibbles[0]);
        &nibbles[1..]
    } else {
        out.push(flag << 4);
        nibbles
    };
    out.extend(rest.chunks_exact(2).map(|pair| (pair[0] << 4) | pair[1]));
    out
}

fn decode_hex_prefix(bytes: &[u8]) -> Result<(Vec<u8>, bool), TrieError> {
    let Some((&first, rest)) = bytes.split_first() else {
        return Err(TrieError::Malformed("empty hex-prefix path"));
    };
    let flag = first >> 4;
    if flag > 3 {
        return Err(TrieError::Malformed("hex-prefix flag above 3"));
    }
    let mut nibbles = Vec::with_capacity(rest.len() * 2 + 1);
    if flag & 1 == 1 {
        nibbles.push(first & 0xf);
    }
    nibbles.extend(to_nibbles(rest));
    Ok((nibbles, flag & 2 == 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::hex;


    #[test]
    fn empty_trie_has_the_empty_root() {
        assert_eq!(Node::empty().hash(), EMPTY_ROOT);
    }

    /// Inserting in any order gives one root; deleting keys gives the root of the trie that
    /// never had them (collapsing branches and joining paths as Ethereum's trie does).
    #[test]
    fn order_independent_and_deletes_restore_roots() {
        let mut a = Node::empty();
        let keys: Vec<B256> = (0u8..40).map(|i| keccak256([i])).collect();
        for (i, k) in keys.iter().enumerate() {
            a.insert(k.as_slice(), alloc::vec![i as u8 + 1]).unwrap();
        }
        let full = a.hash();
        let mut b = Node::empty();
        for (i, k) in keys.iter().enumerate().take(20) {
            b.insert(k.as_slice(), alloc::vec![i as u8 + 1]).unwrap();
        }
        let half = b.hash();
        for k in &keys[20..] {
            assert!(a.remove(k.as_slice()).unwrap());
        }
        assert_eq!(a.hash(), half);
        assert_ne!(half, full);
        for k in &keys[..20] {
            assert!(a.remove(k.as_slice()).unwrap());
        }
        assert_eq!(a.hash(), EMPTY_ROOT);
        let mut c = Node::empty();
        for (i, k) in keys.iter().enumerate().rev() {
            c.insert(k.as_slice(), alloc::vec![i as u8 + 1]).unwrap();
        }
        assert_eq!(c.hash(), full);
    }

    /// A one-entry trie: root = keccak(rlp([hp(key, leaf), value])), checked by hand encoding.
    #[test]
    fn single_leaf_root() {
        let mut t = Node::empty();
        t.insert(&[0x12, 0x34], b"ab".to_vec()).unwrap();
        // [0x20 0x12 0x34] leaf even path, value "ab": c7 83 201234 82 6162
        assert_eq!(t.hash(), keccak256(hex!("c783201234826162")));
    }
}
