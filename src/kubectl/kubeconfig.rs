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

    /// The context a command talks through, if it can reach the cluster.
    pub fn usable(&self, flag: Option<&str>) -> Result<&Context, ConfigError> {
        let name = self.context_name(flag);
        if name.is_empty() {
            return Err(ConfigError::NoServer);
        }
        let ctx = self
            .contexts
            .get(name)
            .ok_or_else(|| ConfigError::ContextNotFound(name.to_string()))?;
        if ctx.cluster != CLUSTER {
            return Err(ConfigError::NoServer);
        }
        if ctx.user != USER {
            return Err(ConfigError::NoCredentials(name.to_string()));
        }
        Ok(ctx)
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
        assert!(k.usable(None).is_ok());
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
        assert_eq!(
            k.usable(Some("nope")).unwrap_err().to_string(),
            "Error in configuration: context was not found for specified context: nope"
        );
        k.contexts.insert("bare".into(), Context::default());
        assert_eq!(k.usable(Some("bare")), Err(ConfigError::NoServer));
        k.current.clear();
        assert_eq!(k.usable(None), Err(ConfigError::NoServer));
    }
}
