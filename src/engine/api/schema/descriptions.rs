//! The schema table's descriptions (`kubectl explain`'s text, in English and Traditional
//! Chinese), kept in `static/schema-descriptions.txt` rather than in the table.
//!
//! Only `kubectl explain` and the editor's explain panel print them, yet compiled in they
//! were ~84 KB of the wasm's data, all of it in the first load (data is never split off
//! with the lazy code). So the page loads the file the first time a description is asked
//! for, through a loader it installs at start-up ([`set_loader`]); the native runner and
//! the tests compile the file in.
//!
//! The file: `#` comment lines, then `Type|English|Chinese` and `Type.field|English|Chinese`.

use std::sync::OnceLock;

/// One description in both languages; `zh` is empty where there is no translation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Description {
    pub en: &'static str,
    pub zh: &'static str,
}

/// Why there are no descriptions to print (the page could not load the file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "kubeplay: kubectl explain's descriptions could not be loaded ({0}); try again in a moment"
)]
pub struct Unavailable(pub String);

/// Reads the file's text: on the page, a same-origin request (the UI installs it).
pub type Loader = fn() -> Result<String, String>;

static LOADER: OnceLock<Loader> = OnceLock::new();
/// `Type` or `Type.field` and its description, sorted by key.
static TABLE: OnceLock<Vec<(&'static str, Description)>> = OnceLock::new();

/// How the page reads `static/schema-descriptions.txt` the first time it is needed.
pub fn set_loader(loader: Loader) {
    let _ = LOADER.set(loader);
}

#[cfg(not(target_arch = "wasm32"))]
fn load() -> Result<String, String> {
    match LOADER.get() {
        Some(loader) => loader(),
        None => Ok(include_str!("../../../../static/schema-descriptions.txt").to_string()),
    }
}

#[cfg(target_arch = "wasm32")]
fn load() -> Result<String, String> {
    LOADER.get().ok_or("no loader installed")?()
}

fn table() -> Result<&'static [(&'static str, Description)], Unavailable> {
    if let Some(t) = TABLE.get() {
        return Ok(t);
    }
    // A failed load is not remembered: the next `explain` tries again.
    let text: &'static str = String::leak(load().map_err(Unavailable)?);
    Ok(TABLE.get_or_init(|| parse(text)))
}

fn parse(text: &'static str) -> Vec<(&'static str, Description)> {
    let mut out: Vec<_> = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let mut parts = line.split('|');
            let mut next = || parts.next().unwrap_or_default();
            let key = next();
            let (en, zh) = (next(), next());
            (key, Description { en, zh })
        })
        .collect();
    crate::sort::sort_by(&mut out, |a, b| a.0.cmp(b.0));
    out
}

/// The description of schema type `ty` (`field` None) or of its field `field`; empty when
/// the file has none.
pub fn of(ty: &str, field: Option<&str>) -> Result<Description, Unavailable> {
    let key = match field {
        Some(f) => format!("{ty}.{f}"),
        None => ty.to_string(),
    };
    let table = table()?;
    Ok(table
        .binary_search_by(|(k, _)| (*k).cmp(key.as_str()))
        .map(|i| table[i].1)
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_and_field_of_the_table_is_described_in_english() {
        for t in super::super::types() {
            assert!(!of(t.name, None).unwrap().en.is_empty(), "{}", t.name);
            for f in t.fields {
                let d = of(t.name, Some(f.name)).unwrap();
                assert!(!d.en.is_empty(), "{}.{}", t.name, f.name);
            }
        }
    }

    #[test]
    fn every_description_belongs_to_a_type_or_field_of_the_table() {
        for (key, _) in table().unwrap() {
            // A type's name may itself be qualified (`discovery.v1.EndpointPort`).
            let (ty, field) = match key.rsplit_once('.') {
                _ if super::super::type_named(key).is_some() => (*key, None),
                Some((t, f)) => (t, Some(f)),
                None => (*key, None),
            };
            let t = super::super::type_named(ty).unwrap_or_else(|| panic!("{key}"));
            if let Some(f) = field {
                assert!(t.field(f).is_some(), "{key}");
            }
        }
    }

    #[test]
    fn descriptions_come_in_both_languages() {
        let d = of("Container", Some("imagePullPolicy")).unwrap();
        assert_eq!(d.en, "When the image is pulled.");
        assert_eq!(d.zh, "何時拉取映像檔。");
    }
}
