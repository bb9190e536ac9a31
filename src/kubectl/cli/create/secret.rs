//! `kubectl create secret generic|docker-registry|tls NAME …` (`create_secret.go`,
//! `create_secret_docker.go`, `create_secret_tls.go`): values are stored base64-encoded.

use super::sources::{self, config_key_errors, Sources};
use super::{group_without_subcommand, subcommand, without, Ctx, Invocation};
use crate::base64;
use crate::engine::errors::ApiError;
use crate::gofmt::{self, go_quote};
use crate::json;
use crate::kubectl::cli::flags::{flag, Arity, Flag};
use crate::kubectl::output::CheckErr;
use crate::shell::Output;
use serde_json::{Map, Value};

const GENERIC_FLAGS: &[Flag] = &[
    flag("from-literal", None, Arity::Value),
    flag("from-file", None, Arity::Value),
    flag("from-env-file", None, Arity::Value),
    flag("type", None, Arity::Value),
    flag("append-hash", None, Arity::Bool),
];

const DOCKER_FLAGS: &[Flag] = &[
    flag("docker-server", None, Arity::Value),
    flag("docker-username", None, Arity::Value),
    flag("docker-password", None, Arity::Value),
    flag("docker-email", None, Arity::Value),
    flag("from-file", None, Arity::Value),
    flag("append-hash", None, Arity::Bool),
];

const TLS_FLAGS: &[Flag] = &[
    flag("cert", None, Arity::Value),
    flag("key", None, Arity::Value),
    flag("append-hash", None, Arity::Bool),
];

const HELP: &str = "Create a secret with specified type.

 A docker-registry type secret is for accessing a container registry.

 A generic type secret indicate an Opaque secret type.

 A tls type secret holds TLS certificate and its associated key.

Available Commands:
  docker-registry   Create a secret for use with a Docker registry
  generic           Create a secret from a local file, directory, or literal value
  tls               Create a TLS secret

Usage:
  kubectl create secret (docker-registry | generic | tls) [options]

Use \"kubectl create secret <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).";

/// `kubectl create secret …` (the words after `secret`).
pub(super) fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let Some((at, word)) = subcommand(args) else {
        return group_without_subcommand("create secret", HELP, args);
    };
    let rest = without(args, at);
    match word {
        "generic" => generic(ctx, &rest),
        "docker-registry" => docker_registry(ctx, &rest),
        "tls" => tls(ctx, &rest),
        _ => group_without_subcommand("create secret", HELP, args),
    }
}

/// A new Secret of `type` (`newSecretObj`), its data added key by key.
struct Secret<'a> {
    inv: &'a Invocation,
    kind: &'a str,
    data: Map<String, Value>,
}

impl<'a> Secret<'a> {
    fn new(inv: &'a Invocation, kind: &'a str) -> Self {
        Secret {
            inv,
            kind,
            data: Map::new(),
        }
    }

    /// `addKeyFromLiteralToSecret`.
    fn add(&mut self, key: String, value: &[u8]) -> Result<(), String> {
        let errs = config_key_errors(&key);
        if !errs.is_empty() {
            return Err(format!(
                "{} is not valid key name for a Secret {}",
                go_quote(&key),
                errs.join(";")
            ));
        }
        if self.data.contains_key(&key) {
            return Err(format!(
                "cannot add key {key}, another key by that name already exists"
            ));
        }
        self.data.insert(key, json!(base64::encode(value)));
        Ok(())
    }

    /// `--from-file` sources, in order.
    fn add_files(&mut self, fs: &crate::shell::Vfs, files: &[String]) -> Result<(), String> {
        for f in files {
            for (k, v) in sources::files(fs, f)? {
                self.add(k, v.as_bytes())?;
            }
        }
        Ok(())
    }

    fn finish(self, ctx: &mut Ctx<'_>) -> Output {
        let mut secret =
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": self.inv.metadata()});
        if !self.data.is_empty() {
            secret["data"] = Value::Object(self.data);
        }
        if !self.kind.is_empty() {
            secret["type"] = json!(self.kind);
        }
        self.inv.finish(ctx, secret, "secret", &failed)
    }
}

fn failed(e: &ApiError) -> String {
    // `fmt.Errorf("failed to create secret %v", err)`: no colon.
    format!("failed to create secret {}", e.status_message(""))
}

/// `kubectl create secret generic NAME [--type=string] [--from-file=…] [--from-literal=…]
/// [--from-env-file=…]`.
fn generic(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let inv = match Invocation::parse("create secret generic", args, GENERIC_FLAGS, None) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let kind = inv.parsed.value("type").unwrap_or("").to_string();
    let mut secret = Secret::new(&inv, &kind);
    let filled = Sources::new(&inv.parsed).and_then(|sources| {
        sources.each(ctx.fs, true, "env secret file", &mut |k, v| {
            secret.add(k, v.as_bytes())
        })
    });
    if let Err(e) = filled {
        return Output::failed(e);
    }
    secret.finish(ctx)
}

/// `kubectl create secret docker-registry NAME --docker-username=… --docker-password=…
/// [--docker-server=…] [--docker-email=…]`, or `--from-file` of a `.dockerconfigjson`.
fn docker_registry(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let inv = match Invocation::parse("create secret docker-registry", args, DOCKER_FLAGS, None) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let p = &inv.parsed;
    let files = p.all("from-file");
    let user = p.value("docker-username").unwrap_or("");
    let password = p.value("docker-password").unwrap_or("");
    let server = p
        .value("docker-server")
        .unwrap_or("https://index.docker.io/v1/");
    if files.is_empty() && (user.is_empty() || password.is_empty() || server.is_empty()) {
        return Output::failed("either --from-file or the combination of --docker-username, --docker-password and --docker-server is required");
    }
    let mut secret = Secret::new(&inv, "kubernetes.io/dockerconfigjson");
    let filled = if files.is_empty() {
        let config = docker_config_json(
            server,
            user,
            password,
            p.value("docker-email").unwrap_or(""),
        );
        secret.add(".dockerconfigjson".into(), config.as_bytes())
    } else {
        secret.add_files(ctx.fs, &files)
    };
    if let Err(e) = filled {
        return Output::failed(e);
    }
    secret.finish(ctx)
}

/// `{"auths":{SERVER:{"username":…,"password":…,"email":…,"auth":base64(user:password)}}}`
/// as `json.Marshal` writes `DockerConfigJSON` (fields in order, empty ones left out).
fn docker_config_json(server: &str, user: &str, password: &str, email: &str) -> String {
    let auth = base64::encode(format!("{user}:{password}").as_bytes());
    let mut entry = String::from("{");
    for (field, value) in [
        ("username", user),
        ("password", password),
        ("email", email),
        ("auth", auth.as_str()),
    ] {
        if value.is_empty() {
            continue;
        }
        if entry.len() > 1 {
            entry.push(',');
        }
        entry.push_str(&format!(
            "\"{field}\":{}",
            gofmt::json_compact(&json!(value))
        ));
    }
    entry.push('}');
    format!(
        "{{\"auths\":{{{}:{entry}}}}}",
        gofmt::json_compact(&json!(server))
    )
}

/// `kubectl create secret tls NAME --cert=path/to/cert/file --key=path/to/key/file`.
fn tls(ctx: &mut Ctx<'_>, args: &[String]) -> Output {
    let inv = match Invocation::parse("create secret tls", args, TLS_FLAGS, None) {
        Ok(i) => i,
        Err(o) => return o,
    };
    let p = &inv.parsed;
    let (Some(cert_path), Some(key_path)) = (
        p.value("cert").filter(|c| !c.is_empty()),
        p.value("key").filter(|k| !k.is_empty()),
    ) else {
        return Output::failed("key and cert must be specified");
    };
    let read = |path: &str| {
        ctx.fs.read(path).map(str::to_string).map_err(|e| {
            let text = e.to_string();
            let text = text[..1].to_lowercase() + &text[1..];
            format!("Cannot read file {path}, open {path}: {text}")
        })
    };
    let (cert, key) = match (read(cert_path), read(key_path)) {
        (Ok(c), Ok(k)) => (c, k),
        (Err(e), _) | (_, Err(e)) => return Output::failed(e),
    };
    if let Err(e) = check_key_pair(&cert, &key) {
        return Output::failed(e);
    }
    let mut secret = Secret::new(&inv, "kubernetes.io/tls");
    let filled = secret
        .add("tls.crt".into(), cert.as_bytes())
        .and_then(|()| secret.add("tls.key".into(), key.as_bytes()));
    if let Err(e) = filled {
        return Output::failed(e);
    }
    secret.finish(ctx)
}

/// The first checks of Go's `tls.X509KeyPair`: a `CERTIFICATE` PEM block, then a private
/// key block, with its messages. (Whether the key matches the certificate is not checked
/// here: that needs the certificate's ASN.1, which the playground does not parse.)
fn check_key_pair(cert: &str, key: &str) -> Result<(), String> {
    let blocks = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| {
                l.trim_end()
                    .strip_prefix("-----BEGIN ")?
                    .strip_suffix("-----")
                    .map(String::from)
            })
            .collect()
    };
    let skipped: Vec<String> = blocks(cert)
        .into_iter()
        .filter(|b| b != "CERTIFICATE")
        .collect();
    if !blocks(cert).iter().any(|b| b == "CERTIFICATE") {
        return Err(match skipped.as_slice() {
            [] => "tls: failed to find any PEM data in certificate input".into(),
            [one] if one.ends_with("PRIVATE KEY") => "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched".into(),
            _ => format!("tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [{}]", skipped.join(" ")),
        });
    }
    let key_blocks = blocks(key);
    if !key_blocks.iter().any(|b| b.ends_with("PRIVATE KEY")) {
        return Err(match key_blocks.as_slice() {
            [] => "tls: failed to find any PEM data in key input".into(),
            [one] if one == "CERTIFICATE" => {
                "tls: found a certificate rather than a key in the PEM for the private key".into()
            }
            _ => format!("tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [{}]", key_blocks.join(" ")),
        });
    }
    Ok(())
}
