//! What the page was opened with (URL parameters, a share link), the language, theme and
//! layout it implies, and the header's tools: language switch, Embed and Share.
//!
//! [`Teach`] wraps the shell inside the app's state provider; it applies the settings
//! once on mount (restart for `nodes`/`files`/a share link, speed, autoplay) and, inside
//! an iframe, posts the page's height to the embedding page.

use std::rc::Rc;

use gloo_timers::callback::{Interval, Timeout};
use yew::prelude::*;

use crate::kubectl::session::{Input, TimedInput};
use crate::share::{self, ShareError, SharedState};

use super::i18n::{strings, use_strings, LangHandle};
use super::params::{self, Lang, Layout, Params, Problem, Theme};
use super::state::{Action, AppContext, Restart, DEFAULT_SEED};

/// The message embed.js listens for.
pub const HEIGHT_MESSAGE: &str = "kubeplay:height";
/// Autoplay types a command, waits this long, runs it, then waits again.
const AUTOPLAY_TYPE_MS: u32 = 900;
const AUTOPLAY_PAUSE_MS: u32 = 1_600;

/// What the page was opened with.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub params: Params,
    pub problems: Vec<Problem>,
    pub shared: Option<Result<SharedState, ShareError>>,
}

impl Settings {
    pub fn from_location() -> Settings {
        let location = web_sys::window().map(|w| w.location());
        let search = location
            .as_ref()
            .and_then(|l| l.search().ok())
            .unwrap_or_default();
        let hash = location
            .as_ref()
            .and_then(|l| l.hash().ok())
            .unwrap_or_default();
        let (params, problems) = params::parse(&search);
        Settings {
            params,
            problems,
            shared: share::from_fragment(&hash),
        }
    }

    /// A share link that opened fine (its cluster wins over a lesson's fresh one).
    pub fn has_share(&self) -> bool {
        matches!(self.shared, Some(Ok(_)))
    }
}

pub type SettingsContext = Rc<Settings>;

/// The browser's preferred languages, most preferred first.
pub(super) fn browser_lang() -> Lang {
    let nav = web_sys::window().map(|w| w.navigator());
    let tags: Vec<String> = nav
        .map(|n| {
            let list: Vec<String> = n.languages().iter().filter_map(|v| v.as_string()).collect();
            if list.is_empty() {
                n.language().into_iter().collect()
            } else {
                list
            }
        })
        .unwrap_or_default();
    Lang::from_browser(tags.iter().map(String::as_str))
}

/// Theme and layout as classes on `<html>` (teach.css keys on them), language as `lang`.
fn apply_document(theme: Theme, layout: Layout, embed: bool, lang: Lang) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let mut class = format!("kp-theme-{} kp-layout-{}", theme.name(), layout.name());
        if embed {
            class.push_str(" kp-embed");
        }
        // Only when they change: touching <html>'s class or lang, even with the same
        // value, makes the browser restyle every element of the page.
        if root.class_name() != class {
            root.set_class_name(&class);
        }
        if root.get_attribute("lang").as_deref() != Some(lang.tag()) {
            let _ = root.set_attribute("lang", lang.tag());
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct TeachProps {
    pub children: Html,
    /// Tests pass settings in; the app reads them from the location.
    #[prop_or_default]
    pub settings: Option<SettingsContext>,
}

#[function_component(Teach)]
pub fn teach(props: &TeachProps) -> Html {
    let settings = use_memo((), {
        let given = props.settings.clone();
        move |_| {
            given
                .map(|s| (*s).clone())
                .unwrap_or_else(Settings::from_location)
        }
    });
    // The memo's `Rc` itself, so that the context's value is the same on every render.
    let settings: SettingsContext = settings;
    let lang: LangHandle = use_state({
        let given = settings.params.lang;
        move || given.unwrap_or_else(browser_lang)
    });
    let ctx = use_context::<AppContext>();

    {
        let p = &settings.params;
        apply_document(p.theme, p.layout, p.embed, *lang);
    }

    {
        // Once: a share link, or `nodes`/`files`, rebuild the cluster; `speed` sets time.
        let ctx = ctx.clone();
        let settings = Rc::clone(&settings);
        use_effect_with((), move |_| {
            let Some(ctx) = ctx else { return };
            let p = &settings.params;
            if let Some(Ok(s)) = &settings.shared {
                ctx.dispatch(Action::Restart(Rc::new(Restart {
                    nodes: s.nodes,
                    seed: s.seed,
                    inputs: s.inputs.clone(),
                    until_ms: s.now,
                })));
            } else if p.lesson.is_none() && (p.nodes.is_some() || !p.files.is_empty()) {
                let inputs = p
                    .files
                    .iter()
                    .map(|(path, content)| TimedInput {
                        at: 0,
                        input: Input::WriteFile {
                            path: path.clone(),
                            content: content.clone(),
                        },
                    })
                    .collect();
                ctx.dispatch(Action::Restart(Rc::new(Restart {
                    nodes: p.nodes.unwrap_or(super::state::DEFAULT_NODES),
                    seed: DEFAULT_SEED,
                    inputs,
                    until_ms: 0,
                })));
            }
            if let Some(speed) = p.speed {
                ctx.dispatch(Action::SetSpeed(speed));
            }
        });
    }

    {
        // Inside an iframe, tell the embedding page how tall we are (only the number).
        use_effect_with((), move |_| {
            let window = web_sys::window();
            let parent = window.as_ref().and_then(|w| w.parent().ok().flatten());
            let framed = match (&window, &parent) {
                (Some(w), Some(p)) => !js_sys::Object::is(w.as_ref(), p.as_ref()),
                _ => false,
            };
            let interval = framed.then(|| {
                let mut last = 0;
                Interval::new(400, move || {
                    let height = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.document_element())
                        .map(|e| e.scroll_height())
                        .unwrap_or(0);
                    if height != last {
                        last = height;
                        if let Some(p) = &parent {
                            let msg = js_sys::Object::new();
                            let _ =
                                js_sys::Reflect::set(&msg, &"type".into(), &HEIGHT_MESSAGE.into());
                            let _ = js_sys::Reflect::set(&msg, &"height".into(), &height.into());
                            // Only a height leaves the frame, so any origin may read it.
                            let _ = p.post_message(&msg, "*");
                        }
                    }
                })
            });
            move || drop(interval)
        });
    }

    let s = strings(*lang);
    let mut messages: Vec<String> = settings
        .problems
        .iter()
        .map(|p| format!("{}: {}={}", s.bad_param, p.param, p.value))
        .collect();
    if let Some(Err(e)) = &settings.shared {
        messages.push(format!("{}: {e}", s.bad_share));
    }

    html! {
        <ContextProvider<LangHandle> context={lang}>
            <ContextProvider<SettingsContext> context={Rc::clone(&settings)}>
                if !messages.is_empty() {
                    <p class="kp-message" role="alert" data-testid="message">{ messages.join(" · ") }</p>
                }
                if !settings.params.autoplay.is_empty() {
                    <Autoplay commands={Rc::new(settings.params.autoplay.clone())} />
                }
                { props.children.clone() }
            </ContextProvider<SettingsContext>>
        </ContextProvider<LangHandle>>
    }
}

#[derive(Properties, PartialEq)]
struct AutoplayProps {
    commands: Rc<Vec<String>>,
}

/// Types each command, runs it, waits for it to finish and pauses, like a recording.
#[function_component(Autoplay)]
fn autoplay(props: &AutoplayProps) -> Html {
    let ctx = use_context::<AppContext>();
    // (next command, typed but not yet run)
    let at = use_state(|| (0usize, false));
    let busy = ctx.as_ref().is_some_and(|c| c.terminal.busy);
    {
        let commands = Rc::clone(&props.commands);
        let at = at.clone();
        use_effect_with((*at, busy), move |&((i, typed), busy)| {
            let timeout = (!busy && i < commands.len()).then(|| {
                let delay = if typed {
                    AUTOPLAY_TYPE_MS
                } else {
                    AUTOPLAY_PAUSE_MS
                };
                Timeout::new(delay, move || {
                    let Some(ctx) = ctx else { return };
                    let line = commands[i].clone();
                    if typed {
                        ctx.dispatch(Action::Submit(line));
                        ctx.dispatch(Action::Prefill(String::new()));
                        at.set((i + 1, false));
                    } else {
                        ctx.dispatch(Action::Prefill(line));
                        at.set((i, true));
                    }
                })
            });
            move || drop(timeout)
        });
    }
    html! {}
}

/// The header's language switch, Embed and Share buttons.
#[function_component(HeaderTools)]
pub fn header_tools() -> Html {
    let s = use_strings();
    let lang = use_context::<LangHandle>();
    let settings = use_context::<SettingsContext>();
    let ctx = use_context::<AppContext>();
    // The open dialog: its intro and the text to copy.
    let dialog = use_state(|| None::<(&'static str, String)>);
    let copied = use_state(|| false);

    let onlang = {
        let lang = lang.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            if let (Some(lang), Some(l)) = (&lang, Lang::from_tag(&v)) {
                lang.set(l);
            }
        })
    };
    let current = lang.as_ref().map(|l| **l).unwrap_or_default();

    let onembed = {
        let dialog = dialog.clone();
        let copied = copied.clone();
        let settings = settings.clone();
        Callback::from(move |_: MouseEvent| {
            let snippet = embed_snippet(settings.as_deref(), current);
            dialog.set(Some((strings(current).embed_intro, snippet)));
            copied.set(false);
        })
    };
    let onshare = {
        let dialog = dialog.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(ctx) = &ctx else { return };
            let fragment = share::fragment(&ctx.shared());
            let text = if fragment.len() > share::MAX_ENCODED_CHARS {
                strings(current).share_too_long.to_string()
            } else {
                format!("{}#{fragment}", page_url())
            };
            copy_to_clipboard(&text);
            dialog.set(Some((strings(current).share_intro, text)));
            copied.set(true);
        })
    };
    let oncopy = {
        let dialog = dialog.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some((_, text)) = &*dialog {
                copy_to_clipboard(text);
                copied.set(true);
            }
        })
    };
    let onclose = {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| dialog.set(None))
    };

    html! {
        <div class="kp-tools">
            <label class="kp-lang">
                <span class="visually-hidden">{ s.language }</span>
                <select data-testid="lang-switch" aria-label={s.language} onchange={onlang}>
                    { for Lang::ALL.iter().map(|l| html! {
                        <option value={l.tag()} selected={*l == current}>{ strings(*l).lang_name }</option>
                    }) }
                </select>
            </label>
            <button type="button" class="button" data-testid="embed-button" onclick={onembed}>{ s.embed }</button>
            <button type="button" class="button" data-testid="share-button" onclick={onshare}>{ s.share }</button>
            if let Some((intro, text)) = &*dialog {
                // The intro names the dialog and the text in it.
                <div class="kp-dialog" role="dialog" aria-labelledby="kp-dialog-intro" data-testid="tool-dialog">
                    <p id="kp-dialog-intro">{ *intro }</p>
                    <textarea readonly=true rows="4" data-testid="tool-dialog-text" aria-labelledby="kp-dialog-intro"
                              value={text.clone()} />
                    <div class="kp-dialog-buttons">
                        <button type="button" class="button" onclick={oncopy}>
                            { if *copied { s.copied } else { s.copy } }
                        </button>
                        <button type="button" class="button" onclick={onclose}>{ s.close }</button>
                    </div>
                </div>
            }
        </div>
    }
}

/// The page's address without query or fragment.
fn page_url() -> String {
    web_sys::window()
        .map(|w| w.location())
        .and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?)))
        .unwrap_or_default()
}

/// The `<script>` snippet for the current lesson and settings.
fn embed_snippet(settings: Option<&Settings>, lang: Lang) -> String {
    let base = page_url();
    let dir = base.rsplit_once('/').map_or(base.as_str(), |(d, _)| d);
    let esc = |v: &str| {
        v.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
    };
    let mut attrs = format!(" data-lang=\"{}\"", lang.tag());
    if let Some(s) = settings {
        let p = &s.params;
        if let Some(l) = &p.lesson {
            attrs = format!(" data-lesson=\"{}\"{attrs}", esc(l));
        }
        if p.theme != Theme::Auto {
            attrs.push_str(&format!(" data-theme=\"{}\"", p.theme.name()));
        }
        if p.layout != Layout::Full {
            attrs.push_str(&format!(" data-layout=\"{}\"", p.layout.name()));
        }
        if let Some(n) = p.nodes {
            attrs.push_str(&format!(" data-nodes=\"{n}\""));
        }
    }
    format!(
        "<script src=\"{}/embed.js\"{attrs} data-height=\"520\"></script>",
        esc(dir)
    )
}

fn copy_to_clipboard(text: &str) {
    if let Some(w) = web_sys::window() {
        // Clipboard access may be refused (no user gesture, an iframe without permission):
        // the dialog still shows the text to copy by hand.
        let _ = w.navigator().clipboard().write_text(text);
    }
}
