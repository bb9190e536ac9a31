//! What `kubectl run` accepts as `--image`: the docker reference grammar kubectl checks
//! before it builds the pod (`reference.ReferenceRegexp` of distribution/reference,
//! anchored): `[domain/]path[/path…][:tag][@digest]`. The kubelet's own, stricter parse
//! (`engine::registry::ImageRef`) is what a pod created any other way meets.

/// `[a-z0-9]+` joined by `.`, `_`, `__` or one or more `-`.
fn path_component(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut i = 0;
    loop {
        let start = i;
        while i < b.len() && alnum(b[i]) {
            i += 1;
        }
        if i == start {
            return false;
        }
        if i == b.len() {
            return true;
        }
        let sep = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let ok = match &s[sep..i] {
            "." | "_" | "__" => true,
            dashes => dashes.bytes().all(|c| c == b'-'),
        };
        if !ok || i == b.len() {
            return false;
        }
    }
}

/// A host name (`[a-zA-Z0-9]` or `[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]` joined by `.`) or
/// a bracketed IPv6 address, with an optional `:port`.
fn domain(s: &str) -> bool {
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || s.starts_with('[') => (h, Some(p)),
        _ => (s, None),
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit())) {
        return false;
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !v6.is_empty() && v6.bytes().all(|c| c.is_ascii_hexdigit() || c == b':');
    }
    host.split('.').all(|label| {
        let b = label.as_bytes();
        !b.is_empty()
            && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
            && b[0] != b'-'
            && b[b.len() - 1] != b'-'
    })
}

/// `[\w][\w.-]{0,127}`.
fn tag(s: &str) -> bool {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b.iter().all(|&c| word(c) || c == b'.' || c == b'-')
}

/// `algorithm:hex`, the algorithm `[A-Za-z][A-Za-z0-9]*` components joined by `-_+.`, at
/// least 32 hex digits.
fn digest(s: &str) -> bool {
    let Some((algorithm, hex)) = s.split_once(':') else {
        return false;
    };
    let component_ok = |c: &str| {
        let b = c.as_bytes();
        !b.is_empty() && b[0].is_ascii_alphabetic() && b.iter().all(u8::is_ascii_alphanumeric)
    };
    algorithm.split(['-', '_', '+', '.']).all(component_ok)
        && hex.len() >= 32
        && hex.bytes().all(|c| c.is_ascii_hexdigit())
}

/// Whether kubectl takes `image` as an image reference.
pub fn valid(image: &str) -> bool {
    let (named, pinned) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    if pinned.is_some_and(|d| !digest(d)) {
        return false;
    }
    let last_slash = named.rfind('/').map_or(0, |i| i + 1);
    let (name, tagged) = match named[last_slash..].rfind(':') {
        Some(i) => (&named[..last_slash + i], Some(&named[last_slash + i + 1..])),
        None => (named, None),
    };
    if tagged.is_some_and(|t| !tag(t)) {
        return false;
    }
    let parts: Vec<&str> = name.split('/').collect();
    let (first, rest) = (parts[0], &parts[1..]);
    let first_ok = path_component(first) || (!rest.is_empty() && domain(first));
    first_ok && rest.iter().all(|p| path_component(p))
}

#[cfg(test)]
mod tests {
    use super::valid;

    #[test]
    fn references_kubectl_run_takes() {
        for image in [
            "nginx",
            "nginx:1.27",
            "library/nginx:1.27-alpine",
            "registry.k8s.io/pause:3.10",
            "localhost:5000/team/app_x__y--z.v2:v1.0",
            "[::1]:5000/app",
            "Example.COM/app",
            "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "nginx:1.27@sha512:0123456789abcdef0123456789abcdef",
        ] {
            assert!(valid(image), "{image}");
        }
    }

    #[test]
    fn references_kubectl_run_refuses() {
        for image in [
            "",
            "Nginx",
            "nginx@sha256:123",
            "nginx:",
            "nginx:-x",
            ":1.27",
            "a//b",
            "-a/b",
            "nginx:1.27 ",
            "a_/b",
            "app:a:b",
        ] {
            assert!(!valid(image), "{image}");
        }
    }
}
