//! The terminal's kubeconfig (`/root/.kube/config`): one cluster and one user, both named
//! `kubeplay` (the only cluster there is), the contexts the learner adds with
//! `kubectl config set-context`, and the current context, whose namespace every verb
//! defaults to. It is session state changed only by typed `kubectl config` lines, so
//! replaying the typed lines (reload, rewind, share links) rebuilds it.

use std::collections::BTreeMap;

/// The cluster, user and first context of the playground's kubeconfig.
pub const CLUSTER: &str = "kubeplay";
pub const USER: &str = "kubeplay";
/// Where kubectl reads it (`$HOME/.kube/config`; the terminal's HOME is /root).
pub const PATH: &str = "/root/.kube/config";
/// The API server of the one cluster, as `cluster-info` and `config view` print it.
pub const SERVER: &str = "https://127.0.0.1:6443";

/// One `contexts:` entry; empty strings are unset fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    pub cluster: String,
    pub user: String,
    pub namespace: String,
}

/// Contexts by name (kubectl lists them sorted) and the current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kubeconfig {
    /// `current-context`; empty once unset. It may name a context that was deleted.
    pub current: String,
    pub contexts: BTreeMap<String, Context>,
}

impl Default for Kubeconfig {
    fn default() -> Self {
        let mut contexts = BTreeMap::new();
        contexts.insert(
            CLUSTER.to_string(),
            Context {
                cluster: CLUSTER.to_string(),
                user: USER.to_string(),
                namespace: String::new(),
            },
        );
        Kubeconfig {
            current: CLUSTER.to_string(),
            contexts,
        }
    }
}

/// The global flags that pick another context, cluster or user for one command.
#[derive(Debug, Clone, Copy, Default)]
pub struct Overrides<'a> {
    pub context: Option<&'a str>,
    pub cluster: Option<&'a str>,
    pub user: Option<&'a str>,
}

/// client-go's `ParseTimeout`: whole seconds, or a Go duration (`1m30s`, `500ms`).
pub fn valid_timeout(s: &str) -> bool {
    if s.parse::<u64>().is_ok() {
        return true;
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if body == "0" {
        return true;
    }
    let mut rest = body;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..digits];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
            .into_iter()
            .find(|u| rest.starts_with(u));
        match unit {
            Some(u) => rest = &rest[u.len()..],
            None => return false,
        }
    }
    true
}

/// Why a command cannot reach the cluster through the selected context (client-go's
/// `clientcmd` messages, as kubectl prints them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `--context` or `current-context` names no context.
    #[error("Error in configuration: context was not found for specified context: {0}")]
    ContextNotFound(String),
    /// The same, for commands that only build a client (`version`, `explain`).
    #[error("error: context \"{0}\" does not exist")]
    NoSuchContext(String),
    /// No cluster in the context (or no current context): client-go falls back to
    /// `http://localhost:8080`, where nothing listens.
    #[error("The connection to the server localhost:8080 was refused - did you specify the right host or port?")]
    NoServer,
    /// The context reaches the cluster without the `kubeplay` user's client certificate.
    #[error("kubeplay: context \"{0}\" has no user the playground's cluster knows; use `kubectl config set-context {0} --user=kubeplay`")]
    NoCredentials(String),
    /// `--cluster` names a cluster the kubeconfig does not have.
    #[error("error: no server found for cluster \"{0}\"")]
    NoCluster(String),
    /// `--user` (or the context) names a user the kubeconfig does not have.
    #[error("error: auth info \"{0}\" does not exist")]
    NoUser(String),
    /// `--request-timeout` is not a duration.
    #[error("error: Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)")]
    BadTimeout,
    /// `--kubeconfig` names a file that does not exist.
    #[error("error: stat {0}: no such file or directory")]
    NoFile(String),
    /// `--kubeconfig` names a file other than the playground's own.
    #[error("kubeplay: only the playground's kubeconfig ({PATH}) can be used, not {0}")]
    OtherFile(String),
}

impl Kubeconfig {
    /// The context a command uses: `--context`, else `current-context`.
    pub fn context_name<'a>(&'a self, flag: Option<&'a str>) -> &'a str {
        flag.filter(|c| !c.is_empty()).unwrap_or(&self.current)
    }

    /// The context a command talks through, if it can reach the cluster; `--cluster`
    /// and `--user` override the context's.
    pub fn usable(&self, o: &Overrides<'_>) -> Result<&Context, ConfigError> {
        let name = self.context_name(o.context);
        if name.is_empty() {
            return Err(ConfigError::NoServer);
        }
        let ctx = self
            .contexts
            .get(name)
            .ok_or_else(|| ConfigError::ContextNotFound(name.to_string()))?;
        match o.cluster.filter(|c| !c.is_empty()) {
            Some(c) if c != CLUSTER => return Err(ConfigError::NoCluster(c.to_string())),
            Some(_) => {}
            None if ctx.cluster != CLUSTER => return Err(ConfigError::NoServer),
            None => {}
        }
        match o.user.filter(|u| !u.is_empty()).unwrap_or(&ctx.user) {
            "" => Err(ConfigError::NoCredentials(name.to_string())),
            USER => Ok(ctx),
            other => Err(ConfigError::NoUser(other.to_string())),
        }
    }

    /// The namespace a command works in without `-n`: the context's, else `default`.
    pub fn namespace(&self, flag: Option<&str>) -> &str {
        self.contexts
            .get(self.context_name(flag))
            .map(|c| c.namespace.as_str())
            .filter(|n| !n.is_empty())
            .unwrap_or("default")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_kubeconfig_works_in_default() {
        let k = Kubeconfig::default();
        assert_eq!(k.namespace(None), "default");
        assert!(k.usable(&Overrides::default()).is_ok());
    }

    #[test]
    fn the_context_namespace_is_the_default_and_context_flag_picks_another() {
        let mut k = Kubeconfig::default();
        k.contexts.get_mut("kubeplay").unwrap().namespace = "dev".into();
        k.contexts.insert(
            "other".into(),
            Context {
                cluster: CLUSTER.into(),
                user: USER.into(),
                namespace: "qa".into(),
            },
        );
        assert_eq!(k.namespace(None), "dev");
        assert_eq!(k.namespace(Some("other")), "qa");
    }

    #[test]
    fn contexts_that_cannot_reach_the_cluster_say_why() {
        let mut k = Kubeconfig::default();
        let with = |context, cluster, user| Overrides {
            context,
            cluster,
            user,
        };
        assert_eq!(
            k.usable(&with(Some("nope"), None, None))
                .unwrap_err()
                .to_string(),
            "Error in configuration: context was not found for specified context: nope"
        );
        assert_eq!(
            k.usable(&with(None, Some("nope"), None)),
            Err(ConfigError::NoCluster("nope".into()))
        );
        assert_eq!(
            k.usable(&with(None, None, Some("jane"))),
            Err(ConfigError::NoUser("jane".into()))
        );
        k.contexts.insert("bare".into(), Context::default());
        assert_eq!(
            k.usable(&with(Some("bare"), None, None)),
            Err(ConfigError::NoServer)
        );
        k.current.clear();
        assert_eq!(k.usable(&Overrides::default()), Err(ConfigError::NoServer));
    }

    #[test]
    fn request_timeouts_parse_as_client_go_parses_them() {
        for ok in ["0", "5", "1s", "2m", "1h2m3.5s", "500ms", "-1s"] {
            assert!(valid_timeout(ok), "{ok}");
        }
        for bad in ["abc", "1x", "", "s", "1.2.3s"] {
            assert!(!valid_timeout(bad), "{bad}");
        }
    }
}
