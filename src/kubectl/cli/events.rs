//! `kubectl events` (kubectl `pkg/cmd/events/{events.go,event_printer.go}`, v0.34.10):
//! `LAST SEEN  TYPE  REASON  OBJECT  MESSAGE`, oldest first; `--for TYPE/NAME`,
//! `--types Normal,Warning`, `-A`, `--no-headers`, `-w`, `-o` (output.rs).

mod output;

use super::apply::{output_format, refused_printer};
use super::flags::{self, flag, Arity, Flag};
use super::resource::resolve;
use super::{flag_error, Ctx, Outcome};
use crate::engine::json::At;
use crate::engine::time::parse_rfc3339;
use crate::engine::Millis;
use crate::kubectl::output::CheckErr;
use crate::kubectl::printers::duration::human_duration;
use crate::kubectl::printers::tabwriter::WatchTable;
use crate::kubectl::process::{Process, Running};
use crate::shell::Output;
use serde_json::Value;

pub(crate) const FLAGS: &[Flag] = &[
    flag("watch", Some('w'), Arity::Bool),
    flag("all-namespaces", Some('A'), Arity::Bool),
    flag("for", None, Arity::Value),
    flag("types", None, Arity::Value),
    flag("no-headers", None, Arity::Bool),
    flag("chunk-size", None, Arity::Value),
    flag("output", Some('o'), Arity::Value),
];

/// Which events to show, and how far a watch has read.
#[derive(Debug, Clone)]
pub struct EventFilter {
    /// `None` with `-A`.
    pub namespace: Option<String>,
    /// (kind, apiVersion, name) from `--for`.
    pub for_object: Option<(String, String, String)>,
    /// Lower-cased `--types`; empty = all.
    pub types: Vec<String>,
}

impl EventFilter {
    /// Whether `ev` is one this command lists (field selector plus `filteredEventType`).
    pub fn wants(&self, ev: &Value) -> bool {
        let s = |p: &str| ev.at(p).and_then(Value::as_str).unwrap_or("");
        self.namespace
            .as_ref()
            .is_none_or(|ns| s("/metadata/namespace") == ns)
            && self.for_object.as_ref().is_none_or(|(k, v, n)| {
                s("/involvedObject/kind") == k
                    && s("/involvedObject/apiVersion") == v
                    && s("/involvedObject/name") == n
            })
            && (self.types.is_empty() || self.types.contains(&s("/type").to_ascii_lowercase()))
    }
}

/// `kubectl events -w`: one row per added or changed event, header before the first.
#[derive(Debug, Clone)]
pub struct EventsWatch {
    pub filter: EventFilter,
    pub cursor: u64,
    pub all_namespaces: bool,
    pub no_headers: bool,
    pub header_done: bool,
    pub table: WatchTable,
    /// `-o FORMAT`: each event printed by itself instead of a table row.
    pub output: Option<String>,
}

impl EventsWatch {
    /// Prints `events` arriving in one flush.
    pub fn write(&mut self, events: &[&Value], now: Millis, out: &mut Output) {
        match &self.output {
            Some(format) => {
                for e in events {
                    output::print_one(out, format, e);
                }
            }
            None => {
                for line in self.print(events, now) {
                    out.out(line);
                }
            }
        }
    }

    /// The table lines for `events` arriving in one flush.
    fn print(&mut self, events: &[&Value], now: Millis) -> Vec<String> {
        if events.is_empty() {
            return Vec::new();
        }
        let mut rows = Vec::new();
        if !self.header_done && !self.no_headers {
            rows.push(header(self.all_namespaces));
        }
        self.header_done = true;
        rows.extend(events.iter().map(|e| row(e, now, self.all_namespaces)));
        self.table.render(&rows)
    }
}

fn header(all_namespaces: bool) -> Vec<String> {
    let mut h: Vec<String> = Vec::new();
    if all_namespaces {
        h.push("NAMESPACE".into());
    }
    h.extend(
        ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
            .iter()
            .map(|s| s.to_string()),
    );
    h
}

fn time(ev: &Value, field: &str) -> Option<Millis> {
    ev.get(field)
        .and_then(Value::as_str)
        .and_then(parse_rfc3339)
}

fn since(t: Option<Millis>, now: Millis) -> String {
    t.map_or_else(|| "<unknown>".to_string(), |t| human_duration(now - t))
}

/// LAST SEEN as `getInterval` writes it: since first seen, or `2m (x5 over 4m10s)`.
pub fn interval(ev: &Value, now: Millis) -> String {
    let first = match time(ev, "eventTime") {
        Some(t) => since(Some(t), now),
        None => since(time(ev, "firstTimestamp"), now),
    };
    if let Some(series) = ev.get("series").filter(|s| s.is_object()) {
        let last = since(time(series, "lastObservedTime"), now);
        let count = series["count"].as_i64().unwrap_or(0);
        return format!("{last} (x{count} over {first})");
    }
    let count = ev["count"].as_i64().unwrap_or(0);
    if count > 1 {
        return format!(
            "{} (x{count} over {first})",
            since(time(ev, "lastTimestamp"), now)
        );
    }
    first
}

/// The time events are sorted by (`eventTime()` in events.go).
fn sort_time(ev: &Value) -> Millis {
    ev.get("series")
        .and_then(|s| time(s, "lastObservedTime"))
        .or_else(|| time(ev, "lastTimestamp"))
        .or_else(|| time(ev, "eventTime"))
        .unwrap_or(0)
}

fn row(ev: &Value, now: Millis, all_namespaces: bool) -> Vec<String> {
    let s = |p: &str| ev.at(p).and_then(Value::as_str).unwrap_or("").to_string();
    let mut cells = Vec::new();
    if all_namespaces {
        cells.push(s("/metadata/namespace"));
    }
    cells.push(interval(ev, now));
    cells.push(s("/type"));
    cells.push(s("/reason"));
    cells.push(format!(
        "{}/{}",
        s("/involvedObject/kind"),
        s("/involvedObject/name")
    ));
    cells.push(s("/message").trim().to_string());
    cells
}

/// `kubectl events [--for TYPE/NAME] [--types …] [-A] [-w]`
pub fn run(ctx: &mut Ctx<'_>, args: &[String]) -> Outcome {
    let p = match flags::parse(args, FLAGS) {
        Ok(p) => p,
        Err(e) => return flag_error("events", e).into(),
    };
    let format = output_format(&p);
    if let Some(refused) = format.as_deref().and_then(|f| refused_printer("events", f)) {
        return refused.into();
    }
    let all_namespaces = p.bool("all-namespaces");
    let mut types: Vec<String> = p
        .all("types")
        .iter()
        .flat_map(|t| t.split(','))
        .map(str::to_string)
        .collect();
    if types
        .iter()
        .any(|t| !t.eq_ignore_ascii_case("Normal") && !t.eq_ignore_ascii_case("Warning"))
    {
        return Output::failed("valid --types are Normal or Warning").into();
    }
    types = types.iter().map(|t| t.to_ascii_lowercase()).collect();
    let for_object = match p.value("for") {
        None | Some("") => None,
        Some(f) => {
            let Some((ty, name)) = f.split_once('/') else {
                return Output::failed("--for must be in resource/name form").into();
            };
            if name.contains('/') {
                return Output::failed(
                    "arguments in resource/name form may not have more than one slash",
                )
                .into();
            }
            match resolve(ty) {
                Ok(r) => Some((r.kind.to_string(), r.api_version(), name.to_string())),
                // The RESTMapper's NoResourceMatchError, which checkErr prints bare.
                Err(e) => return Output::failed_plain(e.to_string()).into(),
            }
        }
    };
    let ns = ctx.namespace(&p);
    let filter = EventFilter {
        namespace: (!all_namespaces).then(|| ns.clone()),
        for_object,
        types,
    };
    let now = ctx.cluster.now;
    let no_headers = p.bool("no-headers");
    if p.bool("watch") {
        // A watch without a resourceVersion starts with a synthetic ADDED event for every
        // existing event, in the order the server lists them (by name), unsorted.
        let mut w = EventsWatch {
            filter,
            cursor: ctx.cluster.store.resource_version(),
            all_namespaces,
            no_headers,
            header_done: false,
            table: WatchTable::new(),
            output: format,
        };
        let existing: Vec<Value> = ctx
            .cluster
            .store
            .list("Event", None)
            .filter(|e| w.filter.wants(e))
            .map(|e| (**e).clone())
            .collect();
        let refs: Vec<&Value> = existing.iter().collect();
        let mut out = Output::ok();
        w.write(&refs, now, &mut out);
        return Outcome::Running(out, Box::new(Running::new(Process::Events(w))));
    }
    let mut events: Vec<&Value> = ctx
        .cluster
        .store
        .list("Event", None)
        .filter(|e| filter.wants(e))
        .map(|e| &**e)
        .collect();
    if events.is_empty() {
        let mut o = Output::ok();
        if all_namespaces {
            o.err("No events found.");
        } else {
            o.err(format!("No events found in {ns} namespace."));
        }
        return o.into();
    }
    // `sort.Sort(SortableEvents(…))`: Go's unstable pdqsort, whose order of events with
    // the same time is part of what kubectl prints.
    crate::kubectl::printers::go_sort::sort(&mut events, |a, b| sort_time(a) < sort_time(b));
    if let Some(f) = &format {
        let mut out = Output::ok();
        output::print_list(&mut out, f, &events);
        return out.into();
    }
    let mut rows = Vec::new();
    if !no_headers {
        rows.push(header(all_namespaces));
    }
    rows.extend(events.iter().map(|e| row(e, now, all_namespaces)));
    let mut out = Output::ok();
    for line in crate::kubectl::printers::tabwriter::format_table(&rows) {
        out.out(line);
    }
    out.into()
}
