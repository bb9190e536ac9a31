//! The shell: owns the state, provides it to the panes, drives virtual time, and keeps
//! the session in localStorage.

use gloo_timers::callback::{Interval, Timeout};
use yew::prelude::*;

use super::cluster_view::ClusterView;
use super::editor::Editor;
use super::i18n::{strings, use_strings, Strings};
use super::lazy;
use super::lesson::Lesson;
use super::params;
use super::settings::{browser_lang, HeaderTools, Teach};
use super::state::saved::STORAGE_KEY;
use super::state::{Action, AppContext, State};
use super::terminal::Terminal;
use super::time_bar::TimeBar;
use super::why_log::WhyLog;

/// How often the cluster advances while playing, in real milliseconds.
const TICK_INTERVAL_MS: u32 = 100;
/// Typed input is saved this long after the last change.
const SAVE_AFTER_MS: u32 = 300;
/// How often the page asks whether the lazy half of the wasm has arrived.
const LAZY_POLL_MS: u32 = 50;
/// While time merely runs, the clock is saved at most this often.
const SAVE_EVERY_MS: f64 = 2_000.0;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved session, or a fresh one with the reason the saved one was dropped.
fn initial_state() -> (State, Option<String>) {
    let Some(saved) = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()) else {
        return (State::default(), None);
    };
    match State::restore(&saved) {
        Ok(state) => (state, None),
        Err(why) => {
            if let Some(s) = storage() {
                let _ = s.remove_item(STORAGE_KEY);
            }
            let mut why = why;
            why.truncate(120);
            // Before `Teach` provides the language: the one it will pick.
            let lang = page_params().lang.unwrap_or_else(browser_lang);
            let notice = strings(lang).saved_dropped.replace("{why}", &why);
            (State::default(), Some(notice))
        }
    }
}

fn save(state: &State) {
    if let Some(s) = storage() {
        let _ = s.set_item(STORAGE_KEY, &state.save());
    }
}

/// What the page's address asks for.
fn page_params() -> params::Params {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    params::parse(&search).0
}

/// Whether the page's address names a lesson (`?lesson=ID`).
fn opens_a_lesson() -> bool {
    page_params().lesson.is_some()
}

/// The panes a phone shows one at a time, with their labels in the UI language.
fn panes(s: &Strings) -> [(&'static str, &'static str); 4] {
    [
        ("terminal", s.pane_terminal),
        ("editor", s.pane_editor),
        ("cluster", s.pane_cluster),
        ("lesson", s.lesson),
    ]
}

#[function_component(App)]
pub fn app() -> Html {
    let notice = use_mut_ref(|| None::<String>);
    let state = {
        let notice = notice.clone();
        use_reducer(move || {
            let (state, why) = initial_state();
            *notice.borrow_mut() = why;
            state
        })
    };
    // A phone shows one pane: a lesson link opens on the lesson, anything else on the
    // terminal.
    let pane = use_state(|| {
        if opens_a_lesson() {
            "lesson"
        } else {
            "terminal"
        }
    });
    // A chip typed a command into the terminal: show the terminal, in the same render, so
    // that the input it focuses is on screen (a hidden input cannot take focus, and the
    // phone's keyboard would not open).
    let chip = state
        .teach
        .prefill
        .as_ref()
        .map(|(n, _)| (state.teach.epoch, *n));
    let seen_chip = use_mut_ref(|| chip);
    let shown = if chip.is_some() && chip != *seen_chip.borrow() {
        *seen_chip.borrow_mut() = chip;
        pane.set("terminal");
        "terminal"
    } else {
        *pane
    };

    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            if let Some(text) = notice.borrow_mut().take() {
                dispatcher.dispatch(Action::Notice(text));
            }
        });
    }

    {
        // Asked until the lazy half of the wasm is in (it has no way to call us).
        let dispatcher = state.dispatcher();
        use_effect_with(state.clock.engine_arrived, move |arrived| {
            let poll = (!arrived).then(|| {
                Interval::new(LAZY_POLL_MS, move || {
                    if lazy::arrived() {
                        dispatcher.dispatch(Action::EngineArrived);
                    }
                })
            });
            move || drop(poll)
        });
    }
    // kubectl's help pages are fetched once the lazy half is in, like the lessons: the
    // first load does not carry their ~140 KB.
    use_effect_with(state.clock.engine_arrived, |arrived| {
        if *arrived {
            yew::platform::spawn_local(super::fetch::install_kubectl_help());
        }
    });
    {
        // The interval exists only while playing; dropping it in the cleanup stops it.
        let dispatcher = state.dispatcher();
        use_effect_with(state.clock.playing, move |playing| {
            let interval = playing.then(|| {
                // Real elapsed time rather than the nominal period: browsers delay timers
                // under load and in background tabs.
                let mut last = js_sys::Date::now();
                Interval::new(TICK_INTERVAL_MS, move || {
                    let now = js_sys::Date::now();
                    let real_ms = (now - last).max(0.0) as u64;
                    last = now;
                    dispatcher.dispatch(Action::Tick { real_ms });
                })
            });
            move || drop(interval)
        });
    }
    {
        // A tick that ran out of its budget owes the cluster time: the next slice runs as
        // soon as the browser has drawn this one, instead of waiting for the interval.
        let dispatcher = state.dispatcher();
        let owed = state.clock.playing && state.clock.behind();
        use_effect_with((owed, state.clock.now_ms), move |(owed, _)| {
            let timer = owed
                .then(|| Timeout::new(0, move || dispatcher.dispatch(Action::Tick { real_ms: 0 })));
            move || drop(timer)
        });
    }

    {
        // Pasted lines that did not fit in their task run in the next one, after the
        // browser has drawn (the same way as a tick's owed time).
        let dispatcher = state.dispatcher();
        let draining = state.draining();
        use_effect_with((draining, state.terminal.drains), move |(draining, _)| {
            let timer =
                draining.then(|| Timeout::new(0, move || dispatcher.dispatch(Action::DrainQueue)));
            move || drop(timer)
        });
    }
    {
        // Inputs are saved shortly after they change; the clock alone every few seconds.
        let last_saved = use_mut_ref(|| 0.0f64);
        let handle = state.clone();
        use_effect_with(state.input_count(), move |_| {
            let timer = Timeout::new(SAVE_AFTER_MS, move || {
                save(&handle);
                *last_saved.borrow_mut() = js_sys::Date::now();
            });
            move || drop(timer)
        });
    }
    {
        let last = use_mut_ref(js_sys::Date::now);
        let handle = state.clone();
        use_effect_with(state.clock.now_ms / 1000, move |_| {
            let now = js_sys::Date::now();
            if now - *last.borrow() > SAVE_EVERY_MS {
                *last.borrow_mut() = now;
                save(&handle);
            }
        });
    }

    let tabs = html! { <PaneTabs current={shown} pick={pane.setter()} /> };

    let context: AppContext = state;
    html! {
        <ContextProvider<AppContext> context={context}>
            <Teach>
            <div class="shell">
                <header class="topbar">
                    <h1 class="brand">{ "kubeplay" }</h1>
                    <TimeBar />
                    <HeaderTools />
                </header>
                { tabs }
                <main class={classes!("panes", format!("show-{shown}"))}>
                    <Lesson />
                    <Terminal />
                    <Editor />
                    <ClusterPane />
                </main>
            </div>
            </Teach>
        </ContextProvider<AppContext>>
    }
}

/// The cluster view and the why log; a component so that its label follows the language.
#[function_component(ClusterPane)]
fn cluster_pane() -> Html {
    let strings = use_strings();
    html! {
        <section class="pane cluster-pane" id="pane-cluster" aria-label={strings.pane_cluster}>
            <ClusterView />
            <WhyLog />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct PaneTabsProps {
    pub current: &'static str,
    pub pick: UseStateSetter<&'static str>,
}

/// The phone's pane switch; inside `Teach`, so that its labels follow the UI language.
#[function_component(PaneTabs)]
pub fn pane_tabs(props: &PaneTabsProps) -> Html {
    let strings = use_strings();
    html! {
        // A landmark holding the tab list: `role="tablist"` on the <nav> itself would
        // take its landmark role away (axe: aria-allowed-role, region).
        <nav class="pane-tabs" aria-label={strings.panes}>
          <div class="pane-tab-list" role="tablist" aria-label={strings.panes}>
            { for panes(strings).into_iter().map(|(id, label)| {
                let active = props.current == id;
                let onclick = {
                    let pick = props.pick.clone();
                    Callback::from(move |_: MouseEvent| pick.set(id))
                };
                html! {
                    <button role="tab" aria-selected={active.to_string()} data-pane={id}
                            aria-controls={format!("pane-{id}")}
                            class={classes!("pane-tab", active.then_some("active"))} {onclick}>
                        { label }
                    </button>
                }
            }) }
          </div>
        </nav>
    }
}
