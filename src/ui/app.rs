//! The shell: owns the state, provides it to the panes, and drives virtual time.

use gloo_timers::callback::Interval;
use yew::prelude::*;

use super::cluster_view::ClusterView;
use super::editor::Editor;
use super::lesson::Lesson;
use super::settings::{HeaderTools, Teach};
use super::state::{Action, AppContext, State};
use super::terminal::Terminal;
use super::time_bar::TimeBar;
use super::why_log::WhyLog;

/// How often the cluster advances while playing, in real milliseconds.
const TICK_INTERVAL_MS: u32 = 100;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::default);

    {
        // The interval exists only while playing; dropping it in the cleanup stops it.
        let dispatcher = state.dispatcher();
        use_effect_with(state.playing, move |playing| {
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

    html! {
        <ContextProvider<AppContext> context={state}>
            <Teach>
            <div class="shell">
                <header class="topbar">
                    <h1 class="brand">{ "kubeplay" }</h1>
                    <TimeBar />
                    <HeaderTools />
                </header>
                <main class="panes">
                    <Lesson />
                    <Terminal />
                    <Editor />
                    <section class="pane cluster-pane" aria-label="Cluster">
                        <ClusterView />
                        <WhyLog />
                    </section>
                </main>
            </div>
            </Teach>
        </ContextProvider<AppContext>>
    }
}
