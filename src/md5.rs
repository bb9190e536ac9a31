//! MD5, for the one place Kubernetes' behaviour depends on it: the EndpointSlice
//! controller orders a slice's ports by the MD5 of each port's dump. RustCrypto's `md-5`
//! computes it.

use ::md5::{Digest, Md5};

/// The digest as lower-case hex, as Go's `hex.EncodeToString` writes it.
pub fn hex(data: &[u8]) -> String {
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_rfc_1321_and_go() {
        assert_eq!(hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            hex(b"(v1.EndpointPort){Name:(*string)dns Protocol:(*v1.Protocol)UDP Port:(*int32)53 AppProtocol:(*string)<nil>}"),
            "e756f06fa093542b23b41b09b1f6c32d"
        );
    }
}
