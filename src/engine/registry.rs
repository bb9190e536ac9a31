//! The fake image registry: which images exist and how their containers behave. Data,
//! not code: a new image is one more row.

use super::clock::Millis;

/// How a container built from an image behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageBehaviour {
    /// Time to pull on a node that does not have it yet, before jitter.
    pub pull_ms: Millis,
    /// Compressed size reported by the `Pulled` event.
    pub size_bytes: u64,
    /// From `Started` to the process listening (readiness with no probe is immediate).
    pub start_ms: Millis,
    /// How long the process takes to exit after SIGTERM; `None` = ignores it and is
    /// killed when the grace period ends.
    pub stop_ms: Option<Millis>,
    /// Exits on its own this long after starting, with this code (`None` = serves forever).
    pub exits_after: Option<(Millis, i32)>,
}

const fn serve(pull_ms: Millis, size_bytes: u64, stop_ms: Option<Millis>) -> ImageBehaviour {
    ImageBehaviour {
        pull_ms,
        size_bytes,
        start_ms: 300,
        stop_ms,
        exits_after: None,
    }
}

/// (repository, tags or `*` for any, behaviour)
const CATALOGUE: &[(&str, &[&str], ImageBehaviour)] = &[
    (
        "docker.io/library/nginx",
        &["*"],
        serve(4_200, 72_188_133, Some(200)),
    ),
    (
        "registry.k8s.io/nginx-slim",
        &["0.8", "0.21", "0.24", "0.26", "0.27"],
        serve(2_900, 18_610_000, Some(200)),
    ),
    (
        "docker.io/105552010/k8s-demo",
        &["v1", "v2", "latest"],
        serve(3_500, 240_300_000, None),
    ),
    (
        "docker.io/library/busybox",
        &["*"],
        ImageBehaviour {
            pull_ms: 1_500,
            size_bytes: 2_155_000,
            start_ms: 100,
            stop_ms: None,
            exits_after: Some((200, 0)),
        },
    ),
    (
        "docker.io/library/httpd",
        &["*"],
        serve(3_800, 58_300_000, Some(1_000)),
    ),
    (
        "docker.io/library/redis",
        &["*"],
        serve(3_100, 45_400_000, Some(300)),
    ),
    (
        "docker.io/library/postgres",
        &["*"],
        serve(6_400, 158_700_000, Some(1_500)),
    ),
    (
        "docker.io/library/mysql",
        &["*"],
        serve(7_900, 172_000_000, Some(2_000)),
    ),
    (
        "docker.io/library/alpine",
        &["*"],
        ImageBehaviour {
            pull_ms: 1_200,
            size_bytes: 3_650_000,
            start_ms: 100,
            stop_ms: None,
            exits_after: Some((100, 0)),
        },
    ),
    (
        "quay.io/fluentd_elasticsearch/fluentd",
        &["*"],
        serve(5_200, 120_800_000, Some(1_200)),
    ),
    (
        "registry.k8s.io/pause",
        &["*"],
        serve(800, 320_000, Some(50)),
    ),
    (
        "registry.k8s.io/echoserver",
        &["*"],
        serve(2_400, 46_000_000, Some(300)),
    ),
    (
        "gcr.io/google-samples/hello-app",
        &["1.0", "2.0"],
        serve(2_100, 11_200_000, Some(200)),
    ),
    (
        "docker.io/library/crashloop",
        &["*"],
        ImageBehaviour {
            pull_ms: 900,
            size_bytes: 1_000_000,
            start_ms: 100,
            stop_ms: Some(10),
            exits_after: Some((1_500, 1)),
        },
    ),
];

/// Tags no repository has, even one that serves any tag (`*`): the lessons' broken
/// image is `nginx:doesnotexist` (reference §8.2); `1.161` is the typo the kubernetes.io
/// Deployments page uses to show a stuck rollout (nginx has no such tag).
const MISSING_TAGS: &[&str] = &["doesnotexist", "does-not-exist", "nonexistent", "1.161"];

/// A parsed image reference: `nginx:1.27` → (`docker.io/library/nginx`, `1.27`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub repository: String,
    pub tag: String,
}

/// Why an image reference cannot be used at all (`InvalidImageName`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("couldn't parse image name \"{0}\": invalid reference format")]
pub struct InvalidImageName(pub String);

impl ImageRef {
    pub fn parse(image: &str) -> Result<ImageRef, InvalidImageName> {
        let bad = || InvalidImageName(image.to_string());
        if image.is_empty()
            || image
                .chars()
                .any(|c| c.is_whitespace() || c.is_ascii_uppercase())
        {
            return Err(bad());
        }
        let (name, tag) = match image.rsplit_once(':') {
            Some((n, t)) if !t.contains('/') => (n, t),
            _ => (image, "latest"),
        };
        let name = name.split('@').next().unwrap_or(name);
        if name.is_empty() || tag.is_empty() || name.starts_with('/') || name.ends_with('/') {
            return Err(bad());
        }
        let first = name.split('/').next().unwrap_or("");
        let has_registry = name.contains('/')
            && (first.contains('.') || first.contains(':') || first == "localhost");
        let repository = if has_registry {
            name.to_string()
        } else if name.contains('/') {
            format!("docker.io/{name}")
        } else {
            format!("docker.io/library/{name}")
        };
        Ok(ImageRef {
            repository,
            tag: tag.to_string(),
        })
    }

    pub fn full(&self) -> String {
        format!("{}:{}", self.repository, self.tag)
    }
}

/// What the registry has for a reference, or `None` when pulling it fails with not found.
pub fn lookup(image: &ImageRef) -> Option<ImageBehaviour> {
    CATALOGUE
        .iter()
        .find(|(repo, tags, _)| {
            *repo == image.repository
                && ((tags.contains(&"*") && !MISSING_TAGS.contains(&image.tag.as_str()))
                    || tags.contains(&image.tag.as_str()))
        })
        .map(|(_, _, b)| *b)
}

/// containerd's error text for a reference the registry does not have.
pub fn pull_error(image: &ImageRef) -> String {
    let full = image.full();
    format!(
        "rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_resolve_to_docker_hub_library() {
        let r = ImageRef::parse("nginx").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.full(), "docker.io/library/nginx:latest");
        let r = ImageRef::parse("105552010/k8s-demo:v2").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.full(), "docker.io/105552010/k8s-demo:v2");
        let r =
            ImageRef::parse("registry.k8s.io/nginx-slim:0.24").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.repository, "registry.k8s.io/nginx-slim");
    }

    #[test]
    fn unknown_tags_of_pinned_repositories_fail_to_pull() {
        let r = ImageRef::parse("105552010/k8s-demo:v9").unwrap_or_else(|e| panic!("{e}"));
        assert!(lookup(&r).is_none());
        assert!(pull_error(&r).contains("docker.io/105552010/k8s-demo:v9: not found"));
    }

    #[test]
    fn a_doesnotexist_tag_fails_even_where_any_tag_is_served() {
        let r = ImageRef::parse("nginx:doesnotexist").unwrap_or_else(|e| panic!("{e}"));
        assert!(lookup(&r).is_none());
        let r = ImageRef::parse("nginx:1.27").unwrap_or_else(|e| panic!("{e}"));
        assert!(lookup(&r).is_some());
    }

    #[test]
    fn uppercase_references_are_invalid() {
        assert!(ImageRef::parse("Nginx").is_err());
    }
}
