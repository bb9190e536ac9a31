//! `kubectl explain`: the plaintext rendering of kubectl 1.34's OpenAPI v3 template
//! (`kubectl/pkg/explain/v2/templates/plaintext.tmpl`) over our schema table.
use crate::engine::api::discovery::{self, Resource};
use crate::engine::api::schema::{self, Description, Field, Ty, Type, Unavailable};

/// Which language descriptions are printed in. kubectl prints English; zh-TW is ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    ZhTw,
}

/// Why `explain` failed; `Display` is the whole line kubectl prints on stderr.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExplainError {
    /// The first path element names no served resource (or not in `--api-version`).
    /// kubectl prints this one as a no-match error: without `error: `.
    #[error("the server doesn't have a resource type \"{0}\"")]
    UnknownResource(String),
    /// A path element names no field. kubectl has printed the resource's
    /// `KIND:`/`VERSION:` header on stdout by then: `header` is that text.
    #[error("error: field \"{field}\" does not exist")]
    UnknownField { header: String, field: String },
    /// The page could not load the descriptions (`static/schema-descriptions.txt`).
    #[error(transparent)]
    Descriptions(#[from] Unavailable),
}

/// Explains `path` (`statefulset`, `sts.spec.replicas`, `deployments.apps.spec`) as kubectl
/// 1.34 does, in plaintext; `recursive` prints the field tree without descriptions.
pub fn explain(
    path: &str,
    recursive: bool,
    api_version: Option<&str>,
    lang: Lang,
) -> Result<String, ExplainError> {
    let (resource, fields) = split_resource(path)?;
    if let Some(want) = api_version {
        if want != resource.api_version() && want != resource.group {
            return Err(ExplainError::UnknownResource(
                path.split('.').next().unwrap_or(path).to_string(),
            ));
        }
    }
    let root = schema::type_named(resource.kind)
        .ok_or_else(|| ExplainError::UnknownResource(path.to_string()))?;
    let mut out = header(resource);
    if fields.is_empty() {
        out.push_str(&describe(&[desc(root.description()?, lang)], lang));
        out.push_str(&field_section(Some(root), recursive, lang)?);
        out.push('\n');
        return Ok(out);
    }
    let mut current = Ty::Named(root.name);
    // The field and the type it belongs to.
    let mut found: Option<(&'static Type, &'static Field)> = None;
    for name in &fields {
        let owner = current.element_type();
        let field = owner.and_then(|t| Some((t, t.field(name)?)));
        let field = field.ok_or_else(|| ExplainError::UnknownField {
            header: out.clone(),
            field: name.to_string(),
        })?;
        current = field.1.ty;
        found = Some(field);
    }
    let Some((owner, field)) = found else {
        return Err(ExplainError::UnknownResource(path.to_string()));
    };
    out.push_str(&format!(
        "FIELD: {} <{}>\n",
        field.name,
        field.ty.explain_name()
    ));
    if !field.enum_values.is_empty() {
        out.push_str("ENUM:");
        for v in field.enum_values {
            out.push_str("\n    ");
            out.push_str(if v.is_empty() { "\"\"" } else { v });
        }
    }
    out.push_str("\n\n");
    let element = field.ty.element_type();
    let mut parts = vec![desc(owner.field_description(field)?, lang)];
    if let Some(t) = element {
        parts.push(desc(t.description()?, lang));
    }
    out.push_str(&describe(&parts, lang));
    out.push_str(&field_section(element, recursive, lang)?);
    out.push('\n');
    Ok(out)
}

/// Splits `deployments.apps.spec.replicas` into the longest prefix naming a resource and
/// the field path after it.
fn split_resource(path: &str) -> Result<(&'static Resource, Vec<&str>), ExplainError> {
    let parts: Vec<&str> = path.split('.').collect();
    for take in (1..=parts.len().min(3)).rev() {
        if let Some(r) = discovery::resolve(&parts[..take].join(".")) {
            return Ok((r, parts[take..].to_vec()));
        }
    }
    Err(ExplainError::UnknownResource(parts[0].to_string()))
}

/// `GROUP:`/`KIND:`/`VERSION:` lines (no `GROUP:` for the core group) and an empty line.
fn header(r: &Resource) -> String {
    let mut s = String::new();
    if !r.group.is_empty() {
        s.push_str(&format!("GROUP:      {}\n", r.group));
    }
    s.push_str(&format!(
        "KIND:       {}\nVERSION:    {}\n\n",
        r.kind, r.version
    ));
    s
}

/// Picks the description in `lang`.
fn desc(d: Description, lang: Lang) -> &'static str {
    match lang {
        Lang::ZhTw if !d.zh.is_empty() => d.zh,
        _ => d.en,
    }
}

/// The `DESCRIPTION:` block: each non-empty part followed by a newline, wrapped at 76 and
/// indented 4 (so the trailing newline leaves a line of four spaces), or `<empty>`.
fn describe(parts: &[&str], lang: Lang) -> String {
    let mut text = String::new();
    for p in parts.iter().filter(|p| !p.is_empty()) {
        text.push_str(p);
        text.push('\n');
    }
    if text.is_empty() {
        text.push_str("<empty>");
    }
    format!("DESCRIPTION:\n{}\n", indent(&wrap(&text, 76, lang), 4))
}

/// `FIELDS:` and the field list of `t`, or nothing when `t` has no fields.
fn field_section(
    t: Option<&'static Type>,
    recursive: bool,
    lang: Lang,
) -> Result<String, Unavailable> {
    let Some(t) = t.filter(|t| !t.fields.is_empty()) else {
        return Ok(String::new());
    };
    let mut out = String::from("FIELDS:\n");
    let mut seen = Vec::new();
    field_list(t, 1, recursive, lang, &mut seen, &mut out)?;
    Ok(out)
}

/// Lists the fields of `t` at `level`. In recursive mode a type already expanded anywhere
/// in the tree is not expanded again: the template's `history` map is shared by the whole
/// walk.
fn field_list(
    t: &'static Type,
    level: usize,
    recursive: bool,
    lang: Lang,
    seen: &mut Vec<&'static str>,
    out: &mut String,
) -> Result<(), Unavailable> {
    let pad = " ".repeat(level * 2);
    for f in t.fields {
        out.push_str(&format!("{pad}{}\t<{}>", f.name, f.ty.explain_name()));
        if f.required {
            out.push_str(" -required-");
        }
        if !f.enum_values.is_empty() {
            out.push_str(&format!("\n{pad}enum: "));
            for (i, v) in f.enum_values.iter().enumerate() {
                if i >= 4 {
                    out.push_str(", ....");
                    break;
                }
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(if v.is_empty() { "\"\"" } else { v });
            }
        }
        out.push('\n');
        if recursive {
            if let Some(sub) = f.ty.element_type() {
                if !seen.contains(&sub.name) {
                    seen.push(sub.name);
                    field_list(sub, level + 1, recursive, lang, seen, out)?;
                }
            }
        } else {
            let d = desc(t.field_description(f)?, lang);
            let d = if d.is_empty() { "<no description>" } else { d };
            out.push_str(&indent(&wrap(d, 78 - level * 2, lang), level * 2 + 2));
            out.push_str("\n\n");
        }
    }
    Ok(())
}

/// Sprig's `indent`: prefixes the text and every line after a newline with `n` spaces.
fn indent(s: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

/// Word-wraps like Sprig's `wrap` (goutils `WrapCustom`, long words kept whole): counts
/// bytes, and treats newlines inside the text as ordinary characters. For zh-TW text, which
/// has no spaces between words, it wraps by display width instead.
fn wrap(s: &str, width: usize, lang: Lang) -> String {
    if lang == Lang::ZhTw && !s.is_ascii() {
        return wrap_wide(s, width);
    }
    let b = s.as_bytes();
    let mut out = String::new();
    let mut offset = 0;
    while b.len() - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = (offset + width + 1).min(b.len());
        match s[offset..end].rfind(' ') {
            Some(sp) => {
                out.push_str(&s[offset..offset + sp]);
                out.push('\n');
                offset += sp + 1;
            }
            None => match s[offset + width..].find(' ') {
                None => {
                    out.push_str(&s[offset..]);
                    offset = b.len();
                }
                Some(sp) => {
                    let at = offset + width + sp;
                    out.push_str(&s[offset..at]);
                    out.push('\n');
                    offset = at + 1;
                }
            },
        }
    }
    out.push_str(&s[offset..]);
    out
}

/// Display width of one character: CJK and full-width forms take two columns.
fn char_width(c: char) -> usize {
    if matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
    {
        2
    } else {
        1
    }
}

/// Wraps mixed CJK/Latin text at `width` columns, breaking at spaces or between wide
/// characters, and keeping the text's own newlines.
fn wrap_wide(s: &str, width: usize) -> String {
    let mut out = String::new();
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut col = 0;
        let mut word = String::new();
        let mut word_w = 0;
        let flush = |out: &mut String, col: &mut usize, word: &mut String, word_w: &mut usize| {
            if *col > 0 && *col + *word_w > width {
                while out.ends_with(' ') {
                    out.pop();
                }
                out.push('\n');
                *col = 0;
            }
            let w = word.trim_start_matches(|c| c == ' ' && *col == 0);
            *col += w.chars().map(char_width).sum::<usize>();
            out.push_str(w);
            word.clear();
            *word_w = 0;
        };
        for c in line.chars() {
            let w = char_width(c);
            if w == 2 || c == ' ' {
                if !word.is_empty() {
                    flush(&mut out, &mut col, &mut word, &mut word_w);
                }
                word.push(c);
                word_w = w;
                flush(&mut out, &mut col, &mut word, &mut word_w);
            } else {
                word.push(c);
                word_w += w;
            }
        }
        if !word.is_empty() {
            flush(&mut out, &mut col, &mut word, &mut word_w);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(path: &str) -> String {
        explain(path, false, None, Lang::En).unwrap()
    }

    #[test]
    fn explain_statefulset_starts_with_group_kind_version_and_description() {
        let out = en("statefulset");
        assert!(
            out.starts_with(
                "GROUP:      apps\nKIND:       StatefulSet\nVERSION:    v1\n\nDESCRIPTION:\n    "
            ),
            "{out}"
        );
        assert!(
            out.contains("\n    \nFIELDS:\n  apiVersion\t<string>\n"),
            "{out}"
        );
        assert!(out.contains("\n  spec\t<StatefulSetSpec>\n"));
        assert!(out.ends_with("\n\n\n"));
    }

    #[test]
    fn explain_deployment_spec_has_a_bare_v1_version_line() {
        let out = en("deployment.spec");
        let line = out
            .lines()
            .find(|l| l.to_lowercase().contains("version"))
            .unwrap();
        assert_eq!(line, "VERSION:    v1");
        assert!(out.contains("FIELD: spec <DeploymentSpec>\n\n\nDESCRIPTION:\n"));
        assert!(out.contains("  selector\t<LabelSelector> -required-\n"));
        assert!(out.contains("  template\t<PodTemplateSpec> -required-\n"));
    }

    #[test]
    fn explain_sts_spec_replicas_prints_the_field_line() {
        let out = en("sts.spec.replicas");
        assert!(out.starts_with("GROUP:      apps\nKIND:       StatefulSet\nVERSION:    v1\n\nFIELD: replicas <integer>\n\n\nDESCRIPTION:\n"));
    }

    #[test]
    fn an_enum_field_lists_its_values_one_per_line() {
        let out = en("statefulsets.apps.spec.podManagementPolicy");
        assert!(out.contains("FIELD: podManagementPolicy <string>\nENUM:\n    OrderedReady\n    Parallel\n\nDESCRIPTION:\n"), "{out}");
    }

    #[test]
    fn field_lists_show_at_most_four_enum_values() {
        let out = en("po.spec");
        assert!(
            out.contains("  restartPolicy\t<string>\n  enum: Always, Never, OnFailure\n"),
            "{out}"
        );
        let svc = en("svc.spec");
        assert!(
            svc.contains(
                "  type\t<string>\n  enum: ClusterIP, ExternalName, LoadBalancer, NodePort\n"
            ),
            "{svc}"
        );
    }

    #[test]
    fn core_group_kinds_have_no_group_line() {
        let out = en("po.spec.containers");
        assert!(
            out.starts_with("KIND:       Pod\nVERSION:    v1\n\nFIELD: containers <[]Container>\n")
        );
        assert!(out.contains("  name\t<string> -required-\n"));
    }

    #[test]
    fn names_resolve_by_plural_kind_and_qualified_forms() {
        for p in [
            "deployment.spec",
            "deployments.apps.spec",
            "deployment.v1.apps.spec",
            "deploy.spec",
            "Deployment.spec",
        ] {
            assert!(en(p).contains("FIELD: spec <DeploymentSpec>"), "{p}");
        }
    }

    #[test]
    fn unknown_resources_and_fields_give_kubectl_errors() {
        assert_eq!(
            explain("statefulsett", false, None, Lang::En)
                .unwrap_err()
                .to_string(),
            "the server doesn't have a resource type \"statefulsett\""
        );
        assert_eq!(
            explain("sts.spec.replica", false, None, Lang::En)
                .unwrap_err()
                .to_string(),
            "error: field \"replica\" does not exist"
        );
        assert_eq!(
            explain("sts.spec.replicas.x", false, None, Lang::En)
                .unwrap_err()
                .to_string(),
            "error: field \"x\" does not exist"
        );
        assert!(matches!(
            explain("pod.spec.containers.imagee", false, None, Lang::En),
            Err(ExplainError::UnknownField { header, .. }) if header == "KIND:       Pod\nVERSION:    v1\n\n"
        ));
    }

    #[test]
    fn recursive_prints_the_tree_without_descriptions() {
        let out = explain("sts.spec.updateStrategy", true, None, Lang::En).unwrap();
        assert!(out.ends_with(
            "FIELDS:\n  rollingUpdate\t<RollingUpdateStatefulSetStrategy>\n    maxUnavailable\t<IntOrString>\n    partition\t<integer>\n  type\t<string>\n  enum: OnDelete, RollingUpdate\n\n"
        ), "{out}");
    }

    #[test]
    fn zh_tw_prints_chinese_descriptions_under_the_same_layout() {
        let out = explain("sts.spec.replicas", false, None, Lang::ZhTw).unwrap();
        assert!(
            out.contains("DESCRIPTION:\n    期望的 Pod 數量。\n"),
            "{out}"
        );
    }

    #[test]
    fn wrapping_breaks_at_spaces_within_the_width() {
        assert_eq!(wrap("aaa bbb ccc", 7, Lang::En), "aaa bbb\nccc");
        assert_eq!(wrap("aaaaaaaaaa bb", 4, Lang::En), "aaaaaaaaaa\nbb");
    }

    #[test]
    fn api_version_flag_must_match_the_resource() {
        assert!(explain("deployment", false, Some("apps/v1"), Lang::En).is_ok());
        assert!(explain("deployment", false, Some("apps/v1beta1"), Lang::En).is_err());
    }
}
