//! ZisK's input file format: records of an 8-byte little-endian length followed by the bytes,
//! each padded with zeros to a multiple of 8.

/// Largest input the emulator maps (its input window is 2 GiB; 16 bytes go to headers).
pub const MAX_INPUT_BYTES: u64 = 0x8000_0000 - 16;

/// Encodes `records` as one ZisK input file. A guest usually reads a single record.
pub fn encode_input(records: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(records.iter().map(|r| r.len() + 16).sum());
    for record in records {
        out.extend_from_slice(&(record.len() as u64).to_le_bytes());
        out.extend_from_slice(record);
        out.resize(out.len().next_multiple_of(8), 0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_each_record_to_eight_bytes() {
        let bytes = encode_input(&[b"abc", b"12345678"]);
        assert_eq!(&bytes[..8], &3u64.to_le_bytes());
        assert_eq!(&bytes[8..16], b"abc\0\0\0\0\0");
        assert_eq!(&bytes[16..24], &8u64.to_le_bytes());
        assert_eq!(&bytes[24..32], b"12345678");
        assert_eq!(bytes.len(), 32);
    }

    #[test]
    fn empty_record_is_just_a_length() {
        assert_eq!(encode_input(&[b""]), 0u64.to_le_bytes().to_vec());
    }
}
