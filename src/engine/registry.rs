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
    /// The image's `ENTRYPOINT` and `CMD`: what runs when the pod gives no `command`
    /// (`args` replaces `cmd`).
    pub entrypoint: &'static [&'static str],
    pub cmd: &'static [&'static str],
    /// From `Started` to the process's first step (a shell's start-up, say).
    pub boot_ms: Millis,
}

const fn serve(
    pull_ms: Millis,
    size_bytes: u64,
    stop_ms: Option<Millis>,
    cmd: &'static [&'static str],
) -> ImageBehaviour {
    ImageBehaviour {
        pull_ms,
        size_bytes,
        start_ms: 300,
        stop_ms,
        entrypoint: &[],
        cmd,
        boot_ms: 0,
    }
}

/// (repository, tags or `*` for any, behaviour)
const CATALOGUE: &[(&str, &[&str], ImageBehaviour)] = &[
    (
        "docker.io/library/nginx",
        &["*"],
        serve(
            4_200,
            72_188_133,
            Some(200),
            &["nginx", "-g", "daemon off;"],
        ),
    ),
    (
        "registry.k8s.io/nginx-slim",
        &["0.8", "0.21", "0.24", "0.26", "0.27"],
        serve(
            2_900,
            18_610_000,
            Some(200),
            &["nginx", "-g", "daemon off;"],
        ),
    ),
    (
        "docker.io/105552010/k8s-demo",
        &["v1", "v2", "latest"],
        serve(3_500, 240_300_000, None, &["node", "app.js"]),
    ),
    (
        "docker.io/library/busybox",
        &["*"],
        ImageBehaviour {
            pull_ms: 1_500,
            size_bytes: 2_155_000,
            start_ms: 100,
            stop_ms: None,
            entrypoint: &[],
            cmd: &["sh"],
            boot_ms: 200,
        },
    ),
    (
        "registry.k8s.io/busybox",
        &["*"],
        ImageBehaviour {
            pull_ms: 1_100,
            size_bytes: 1_144_000,
            start_ms: 100,
            stop_ms: None,
            entrypoint: &[],
            cmd: &["sh"],
            boot_ms: 200,
        },
    ),
    (
        "docker.io/library/debian",
        &["*"],
        ImageBehaviour {
            pull_ms: 2_600,
            size_bytes: 48_490_000,
            start_ms: 100,
            stop_ms: None,
            entrypoint: &[],
            cmd: &["bash"],
            boot_ms: 100,
        },
    ),
    (
        "docker.io/library/ubuntu",
        &["*"],
        ImageBehaviour {
            pull_ms: 2_200,
            size_bytes: 29_750_000,
            start_ms: 100,
            stop_ms: None,
            entrypoint: &[],
            cmd: &["bash"],
            boot_ms: 100,
        },
    ),
    (
        "docker.io/library/perl",
        &["*"],
        ImageBehaviour {
            pull_ms: 9_800,
            size_bytes: 336_374_000,
            start_ms: 100,
            stop_ms: None,
            entrypoint: &[],
            // `perl -de0` waits on the debugger's stdin, which is closed: it exits.
            cmd: &["perl5.34.0", "-de0"],
            boot_ms: 100,
        },
    ),
    (
        "registry.k8s.io/e2e-test-images/agnhost",
        &["*"],
        ImageBehaviour {
            pull_ms: 2_300,
            size_bytes: 51_050_000,
            start_ms: 300,
            stop_ms: Some(100),
            // agnhost's subcommand is its argument (`args: [netexec, …]`).
            entrypoint: &["/agnhost"],
            cmd: &["pause"],
            boot_ms: 0,
        },
    ),
    (
        "docker.io/library/httpd",
        &["*"],
        serve(3_800, 58_300_000, Some(1_000), &["httpd-foreground"]),
    ),
    (
        "docker.io/library/redis",
        &["*"],
        serve(3_100, 45_400_000, Some(300), &["redis-server"]),
    ),
    (
        "docker.io/library/postgres",
        &["*"],
        serve(6_400, 158_700_000, Some(1_500), &["postgres"]),
    ),
    (
        "docker.io/library/mysql",
        &["*"],
        serve(7_900, 172_000_000, Some(2_000), &["mysqld"]),
    ),
    (
        "docker.io/library/alpine",
        &["*"],
        ImageBehaviour {
            pull_ms: 1_200,
            size_bytes: 3_650_000,
            start_ms: 100,
            stop_ms: None,
            entrypoint: &[],
            cmd: &["/bin/sh"],
            boot_ms: 100,
        },
    ),
    (
        "quay.io/fluentd_elasticsearch/fluentd",
        &["*"],
        serve(5_200, 120_800_000, Some(1_200), &["fluentd"]),
    ),
    (
        "registry.k8s.io/pause",
        &["*"],
        serve(800, 320_000, Some(50), &["/pause"]),
    ),
    (
        "registry.k8s.io/echoserver",
        &["*"],
        serve(2_400, 46_000_000, Some(300), &["echoserver"]),
    ),
    (
        "gcr.io/google-samples/hello-app",
        &["1.0", "2.0"],
        serve(2_100, 11_200_000, Some(200), &["./hello-app"]),
    ),
    // What kind's and minikube's node images carry for kube-system (preloaded on the
    // nodes: no pull). Entrypoints as in the images.
    (
        "registry.k8s.io/coredns/coredns",
        &["*"],
        ImageBehaviour {
            entrypoint: &["/coredns"],
            cmd: &[],
            ..serve(1_900, 22_384_805, Some(100), &[])
        },
    ),
    (
        "registry.k8s.io/kube-proxy",
        &["*"],
        serve(2_600, 30_940_000, Some(100), &["/usr/local/bin/kube-proxy"]),
    ),
    (
        "docker.io/kindest/kindnetd",
        &["*"],
        serve(1_800, 44_380_000, Some(100), &["/bin/kindnetd"]),
    ),
    (
        "docker.io/kindest/local-path-provisioner",
        &["*"],
        serve(1_600, 22_540_000, Some(100), &["local-path-provisioner"]),
    ),
    (
        "gcr.io/k8s-minikube/storage-provisioner",
        &["*"],
        serve(1_400, 9_058_936, Some(100), &["/storage-provisioner"]),
    ),
    (
        "registry.k8s.io/etcd",
        &["*"],
        serve(6_000, 58_910_000, Some(300), &["etcd"]),
    ),
    (
        "registry.k8s.io/kube-apiserver",
        &["*"],
        serve(3_100, 27_070_000, Some(300), &["kube-apiserver"]),
    ),
    (
        "registry.k8s.io/kube-controller-manager",
        &["*"],
        serve(2_900, 22_820_000, Some(300), &["kube-controller-manager"]),
    ),
    (
        "registry.k8s.io/kube-scheduler",
        &["*"],
        serve(1_900, 17_380_000, Some(300), &["kube-scheduler"]),
    ),
    (
        "registry.k8s.io/goproxy",
        &["0.1"],
        serve(1_400, 2_650_000, Some(100), &["/goproxy"]),
    ),
    (
        "registry.k8s.io/etcd",
        &["*"],
        serve(3_000, 22_900_000, Some(300), &["etcd"]),
    ),
    (
        "docker.io/library/crashloop",
        &["*"],
        ImageBehaviour {
            pull_ms: 900,
            size_bytes: 1_000_000,
            start_ms: 100,
            stop_ms: Some(10),
            entrypoint: &[],
            // A fictitious image for lessons: runs a moment, then fails.
            cmd: &["sh", "-c", "sleep 1.5; exit 1"],
            boot_ms: 0,
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
    /// Empty for a reference by digest alone (no `latest` is assumed then).
    pub tag: String,
    /// `sha256:<64 hex>` when the reference pins one (`nginx@sha256:…`).
    pub digest: Option<String>,
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
        let (named, digest) = match image.split_once('@') {
            Some((n, d)) => {
                let hex = d.strip_prefix("sha256:").ok_or_else(bad)?;
                if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(bad());
                }
                (n, Some(d.to_string()))
            }
            None => (image, None),
        };
        let (name, tag) = match named.rsplit_once(':') {
            Some((n, t)) if !t.contains('/') => (n, t),
            // applyDefaultImageTag: `latest` unless a digest pins the image
            _ if digest.is_some() => (named, ""),
            _ => (named, "latest"),
        };
        if digest.is_none() && tag.is_empty() {
            return Err(bad());
        }
        if name.is_empty() || name.starts_with('/') || name.ends_with('/') {
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
            digest,
        })
    }

    /// The reference as containerd normalizes it (`ParseDockerRef`): a digest wins over
    /// a tag given with it (`docker.io/library/nginx@sha256:…`), else `repo:tag`.
    pub fn full(&self) -> String {
        match &self.digest {
            Some(d) => format!("{}@{d}", self.repository),
            None => format!("{}:{}", self.repository, self.tag),
        }
    }

    /// `status.containerStatuses[].imageID`: containerd's first repo digest of the
    /// image (`docker.io/library/nginx@sha256:…`). A tag's digest is the registry's; in
    /// this registry it is fixed by the tag's name, so one image has one ID on every
    /// node, in every pod, whatever the seed.
    pub fn image_id(&self) -> String {
        match &self.digest {
            Some(_) => self.full(),
            None => format!("{}@sha256:{}", self.repository, fake_digest(&self.full())),
        }
    }

    /// `status.containerStatuses[].image`: containerd names the image by its first
    /// tag; an image pulled by digest has none, and then the kubelet's own reference
    /// shows, the image's ID (`sha256:` + its config's digest).
    pub fn status_image(&self) -> String {
        match &self.digest {
            Some(_) => format!("sha256:{}", fake_digest(&format!("config {}", self.full()))),
            None => self.full(),
        }
    }
}

/// 64 hex digits fixed by `name`: four FNV-1a hashes of it, each with its own prefix,
/// through splitmix64's finalizer (a registry's digests look uniformly random).
fn fake_digest(name: &str) -> String {
    (0u8..4)
        .map(|i| {
            let h = std::iter::once(i)
                .chain(name.bytes())
                .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
                });
            let mut z = h.wrapping_add(0x9e37_79b9_7f4a_7c15);
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            format!("{:016x}", z ^ (z >> 31))
        })
        .collect()
}

/// What the registry has for a reference, or `None` when pulling it fails with not found.
pub fn lookup(image: &ImageRef) -> Option<ImageBehaviour> {
    let mut known = CATALOGUE
        .iter()
        .filter(|(repo, _, _)| *repo == image.repository)
        .peekable();
    if known.peek().is_none() {
        return (!MISSING_TAGS.contains(&image.tag.as_str())).then(|| unknown(image));
    }
    if image.digest.is_some() {
        // A pinned digest of a repository the registry serves: its first image.
        return known.next().map(|(_, _, b)| *b);
    }
    known
        .find(|(_, tags, _)| {
            (tags.contains(&"*") && !MISSING_TAGS.contains(&image.tag.as_str()))
                || tags.contains(&image.tag.as_str())
        })
        .map(|(_, _, b)| *b)
}

/// A repository the catalogue does not list pulls like any image a tutorial names: a
/// size between 5 and 150 MB fixed by its name (one image, one size, whatever the
/// seed), pulled at about 25 MB/s, running a program that serves until stopped.
fn unknown(image: &ImageRef) -> ImageBehaviour {
    // FNV-1a: a stable hash, not the std one (whose output may change between releases).
    let hash = image.full().bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    let size_bytes = 5_000_000 + hash % 145_000_000;
    let (entrypoint, cmd): (&'static [&'static str], &'static [&'static str]) = ENTRYPOINTS
        .iter()
        .find(|(repo, _, _)| *repo == image.repository)
        .map_or((&[], &[UNKNOWN_IMAGE_PROGRAM]), |(_, e, c)| (*e, *c));
    ImageBehaviour {
        pull_ms: 500 + (size_bytes / 25_000) as Millis,
        size_bytes,
        start_ms: 300,
        stop_ms: Some(200),
        entrypoint,
        cmd,
        boot_ms: 0,
    }
}

/// Images the catalogue does not size whose `ENTRYPOINT` and `CMD` a tutorial relies on
/// (its pod gives only `args`).
type Program = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);
const ENTRYPOINTS: &[Program] = &[("docker.io/vish/stress", &["/stress", "-logtostderr"], &[])];

/// The default program of an image the catalogue does not know: it serves silently.
pub const UNKNOWN_IMAGE_PROGRAM: &str = "/usr/local/bin/image-entrypoint";

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
    fn unknown_repositories_pull_with_a_size_fixed_by_their_name() {
        let r = ImageRef::parse("polinux/stress").unwrap_or_else(|e| panic!("{e}"));
        let a = lookup(&r).map(|b| b.size_bytes);
        assert!(a.is_some_and(|s| (5_000_000..150_000_000).contains(&s)));
        assert_eq!(a, lookup(&r).map(|b| b.size_bytes));
        let r = ImageRef::parse("nginx:1.161").unwrap_or_else(|e| panic!("{e}"));
        assert!(lookup(&r).is_none());
    }

    #[test]
    fn one_image_has_one_id_and_a_pinned_digest_is_its_own_id() {
        let id = |i: &str| {
            ImageRef::parse(i)
                .unwrap_or_else(|e| panic!("{e}"))
                .image_id()
        };
        let nginx = id("nginx");
        assert!(nginx.starts_with("docker.io/library/nginx@sha256:"));
        let hex = &nginx["docker.io/library/nginx@sha256:".len()..];
        assert!(hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(nginx, id("docker.io/library/nginx:latest"));
        assert_ne!(nginx, id("nginx:1.27"));
        assert!(id("busybox:1.36").starts_with("docker.io/library/busybox@sha256:"));
        assert!(id("registry.k8s.io/pause:3.10").starts_with("registry.k8s.io/pause@sha256:"));
        let d = format!("sha256:{}", "ab".repeat(32));
        let pinned = ImageRef::parse(&format!("nginx:1.27@{d}")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pinned.full(), format!("docker.io/library/nginx@{d}"));
        assert_eq!(pinned.image_id(), format!("docker.io/library/nginx@{d}"));
        assert!(pinned.status_image().starts_with("sha256:"));
        assert_eq!(
            id("nginx:1.27").len(),
            "docker.io/library/nginx@sha256:".len() + 64
        );
        assert!(ImageRef::parse("nginx@sha256:abc").is_err());
    }

    #[test]
    fn uppercase_references_are_invalid() {
        assert!(ImageRef::parse("Nginx").is_err());
    }
}
