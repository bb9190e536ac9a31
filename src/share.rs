//! Share links: the whole playground state (cluster shape, seed, every timed input, the
//! moment on the clock) packed into a URL fragment, `#s=…`, and unpacked again.
//!
//! The fragment is untrusted: it is length-checked before decoding, inflated with a
//! limit (no zip bombs), parsed strictly and validated, and every failure is an
//! [`ShareError`] with a message for the learner, never a panic.

use serde::{Deserialize, Serialize};

use crate::engine::config::MAX_NODES;
use crate::kubectl::session::{Input, TimedInput};

/// The format this build writes and reads.
pub const SHARE_VERSION: u32 = 1;
/// The decoded (JSON) state may be at most this long.
pub const MAX_DECODED_BYTES: usize = 64 * 1024;
/// A fragment longer than this is refused before decoding (base64 of the limit above).
pub const MAX_ENCODED_CHARS: usize = MAX_DECODED_BYTES / 3 * 4 + 8;
/// Replaying more inputs than this would keep the tab busy for too long.
pub const MAX_INPUTS: usize = 2_000;
/// The clock of a shared state stops at most a day after the cluster started.
pub const MAX_NOW_MS: u64 = 24 * 3_600_000;

/// The fragment key: `#s=…`.
pub const FRAGMENT_KEY: &str = "s=";

/// Tag of a deflated payload.
const TAG_DEFLATE: char = 'z';
/// Tag of a plain JSON payload (readable by any build, written by none today).
const TAG_PLAIN: char = 'j';

/// Everything needed to rebuild a session at a moment: `Session::replay(config, inputs, now)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedState {
    pub version: u32,
    pub nodes: u32,
    pub seed: u64,
    pub inputs: Vec<TimedInput>,
    /// Virtual milliseconds since the cluster started.
    pub now: u64,
}

/// Why a share link could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    /// The fragment is longer than [`MAX_ENCODED_CHARS`].
    #[error("the shared state is too long ({0} characters; at most {max})", max = MAX_ENCODED_CHARS)]
    TooLong(usize),
    /// A character outside base64url, or a truncated group.
    #[error("the shared state is not valid base64url")]
    Base64,
    /// Neither a deflate (`z`) nor a plain (`j`) payload.
    #[error("the shared state has an unknown format")]
    UnknownFormat,
    /// The deflate stream is broken.
    #[error("the shared state could not be decompressed")]
    Inflate,
    /// It inflates to more than [`MAX_DECODED_BYTES`].
    #[error("the shared state is larger than {max} bytes once decompressed", max = MAX_DECODED_BYTES)]
    TooLarge,
    /// Not the JSON of a [`SharedState`].
    #[error("the shared state is malformed: {0}")]
    Json(String),
    /// Written by another version of kubeplay.
    #[error("the shared state is version {0}; this kubeplay reads version {v}", v = SHARE_VERSION)]
    Version(u32),
    /// Well-formed but out of bounds (node count, input count, clock, ordering).
    #[error("the shared state is invalid: {0}")]
    Invalid(String),
}

/// Packs a state into the text after `#s=`.
pub fn encode(state: &SharedState) -> String {
    let json = serde_json::to_vec(state).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    let mut out = String::with_capacity(1 + packed.len() * 4 / 3 + 4);
    out.push(TAG_DEFLATE);
    base64url_encode(&packed, &mut out);
    out
}

/// The URL fragment (without `#`) of a state.
pub fn fragment(state: &SharedState) -> String {
    format!("{FRAGMENT_KEY}{}", encode(state))
}

/// The shared state in a URL fragment (with or without its `#`), if it carries one.
pub fn from_fragment(fragment: &str) -> Option<Result<SharedState, ShareError>> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    fragment
        .split('&')
        .find_map(|part| part.strip_prefix(FRAGMENT_KEY))
        .map(decode)
}

/// Unpacks and validates the text after `#s=`.
pub fn decode(text: &str) -> Result<SharedState, ShareError> {
    if text.len() > MAX_ENCODED_CHARS {
        return Err(ShareError::TooLong(text.len()));
    }
    let mut chars = text.chars();
    let tag = chars.next().ok_or(ShareError::UnknownFormat)?;
    let bytes = base64url_decode(chars.as_str())?;
    let json = match tag {
        TAG_DEFLATE => {
            miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_DECODED_BYTES).map_err(
                |e| match e.status {
                    miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
                    _ => ShareError::Inflate,
                },
            )?
        }
        TAG_PLAIN if bytes.len() <= MAX_DECODED_BYTES => bytes,
        TAG_PLAIN => return Err(ShareError::TooLarge),
        _ => return Err(ShareError::UnknownFormat),
    };
    let state: SharedState =
        serde_json::from_slice(&json).map_err(|e| ShareError::Json(e.to_string()))?;
    validate(&state)?;
    Ok(state)
}

/// Bounds that keep a replay quick and its inputs in order.
fn validate(s: &SharedState) -> Result<(), ShareError> {
    let bad = |m: String| Err(ShareError::Invalid(m));
    if s.version != SHARE_VERSION {
        return Err(ShareError::Version(s.version));
    }
    if s.nodes == 0 || s.nodes > MAX_NODES {
        return bad(format!("nodes must be 1 to {MAX_NODES}, not {}", s.nodes));
    }
    if s.inputs.len() > MAX_INPUTS {
        return bad(format!(
            "at most {MAX_INPUTS} inputs, not {}",
            s.inputs.len()
        ));
    }
    if s.now > MAX_NOW_MS {
        return bad(format!("the clock may be at most {MAX_NOW_MS} ms"));
    }
    let mut last = 0;
    for i in &s.inputs {
        if i.at < last || i.at > s.now {
            return bad("inputs are out of order or after the clock".to_string());
        }
        last = i.at;
        if let Input::WriteFile { path, .. } = &i.input {
            if path.is_empty() || path.len() > 255 {
                return bad("a file path is empty or too long".to_string());
            }
        }
    }
    Ok(())
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding (RFC 4648 §5), as fragments carry it unescaped.
pub fn base64url_encode(bytes: &[u8], out: &mut String) {
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
}

/// The bytes of unpadded base64url; padding `=` is tolerated at the end only.
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, ShareError> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return Err(ShareError::Base64),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A lone sixth of a byte cannot come from any encoding.
    if bits == 6 {
        return Err(ShareError::Base64);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SharedState {
        SharedState {
            version: SHARE_VERSION,
            nodes: 1,
            seed: 7,
            inputs: vec![
                TimedInput {
                    at: 0,
                    input: Input::WriteFile {
                        path: "web.yaml".into(),
                        content: "kind: Pod\n".repeat(20),
                    },
                },
                TimedInput {
                    at: 1_500,
                    input: Input::Line("kubectl apply -f web.yaml".into()),
                },
                TimedInput {
                    at: 9_000,
                    input: Input::Interrupt,
                },
            ],
            now: 12_000,
        }
    }

    #[test]
    fn a_state_survives_the_round_trip_through_a_fragment() {
        let s = sample();
        let f = fragment(&s);
        assert!(f.starts_with("s=z"));
        assert_eq!(from_fragment(&format!("#{f}")), Some(Ok(s)));
    }

    #[test]
    fn deflate_makes_repetitive_files_shorter_than_their_json() {
        let s = sample();
        assert!(encode(&s).len() < serde_json::to_string(&s).unwrap().len());
    }

    #[test]
    fn base64url_round_trips_every_length() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            let mut s = String::new();
            base64url_encode(&bytes, &mut s);
            assert!(!s.contains(['+', '/', '=']));
            assert_eq!(base64url_decode(&s).unwrap(), bytes);
        }
    }

    #[test]
    fn a_fragment_without_state_is_none() {
        assert_eq!(from_fragment("#top"), None);
        assert_eq!(from_fragment(""), None);
    }

    #[test]
    fn broken_base64_is_an_error() {
        assert_eq!(
            decode("z<img src=x onerror=alert(1)>"),
            Err(ShareError::Base64)
        );
        assert_eq!(decode("zA"), Err(ShareError::Base64));
    }

    #[test]
    fn garbage_after_a_valid_tag_is_an_error_not_a_panic() {
        for junk in ["z", "zAAAA", "z____", "jAAAA", "q", "", "zAAECAwQFBgcICQ"] {
            assert!(decode(junk).is_err(), "{junk:?} decoded");
        }
    }

    #[test]
    fn a_huge_fragment_is_refused_before_decoding() {
        let long = "A".repeat(MAX_ENCODED_CHARS + 1);
        assert_eq!(decode(&long), Err(ShareError::TooLong(long.len())));
    }

    #[test]
    fn a_zip_bomb_is_refused_once_it_inflates_past_the_limit() {
        let zeros = vec![b' '; MAX_DECODED_BYTES * 4];
        let mut s = String::from("z");
        base64url_encode(&miniz_oxide::deflate::compress_to_vec(&zeros, 9), &mut s);
        assert!(s.len() < MAX_ENCODED_CHARS);
        assert_eq!(decode(&s), Err(ShareError::TooLarge));
    }

    fn plain(json: &str) -> String {
        let mut s = String::from("j");
        base64url_encode(json.as_bytes(), &mut s);
        s
    }

    #[test]
    fn plain_json_states_are_read_and_validated() {
        let ok = r#"{"version":1,"nodes":2,"seed":3,"inputs":[],"now":0}"#;
        assert_eq!(decode(&plain(ok)).unwrap().nodes, 2);
        let many_nodes = r#"{"version":1,"nodes":99,"seed":3,"inputs":[],"now":0}"#;
        assert!(matches!(
            decode(&plain(many_nodes)),
            Err(ShareError::Invalid(_))
        ));
        let future = r#"{"version":2,"nodes":1,"seed":3,"inputs":[],"now":0}"#;
        assert_eq!(decode(&plain(future)), Err(ShareError::Version(2)));
        let extra = r#"{"version":1,"nodes":1,"seed":3,"inputs":[],"now":0,"x":1}"#;
        assert!(matches!(decode(&plain(extra)), Err(ShareError::Json(_))));
    }

    #[test]
    fn inputs_out_of_order_or_after_the_clock_are_refused() {
        let mut s = sample();
        s.inputs.swap(1, 2);
        assert!(matches!(decode(&encode(&s)), Err(ShareError::Invalid(_))));
        let mut s = sample();
        s.now = 10;
        assert!(matches!(decode(&encode(&s)), Err(ShareError::Invalid(_))));
        let mut s = sample();
        s.now = MAX_NOW_MS + 1;
        assert!(matches!(decode(&encode(&s)), Err(ShareError::Invalid(_))));
    }
}
