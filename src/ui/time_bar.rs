//! The time bar: play/pause, speed, step, the timeline and the virtual clock.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::state::{format_clock, Action, AppContext, SPEEDS, STEP_MS};

#[function_component(TimeBar)]
pub fn time_bar() -> Html {
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };

    let ontoggle = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| ctx.dispatch(Action::TogglePlay))
    };
    let onstep = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| ctx.dispatch(Action::Step))
    };
    let onspeed = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            // The options are ours, but a tampered value must not panic.
            if let Ok(speed) = value.parse::<u32>() {
                ctx.dispatch(Action::SetSpeed(speed));
            }
        })
    };

    let (toggle_label, toggle_text) = if ctx.playing {
        ("Pause", "❚❚")
    } else {
        ("Play", "▶")
    };
    let (max, now) = (ctx.now_ms.to_string(), ctx.now_ms.to_string());

    html! {
        <div class="time-bar" role="toolbar" aria-label="Virtual time">
            <button class={classes!("time-toggle", ctx.playing.then_some("playing"))}
                    data-testid="time-toggle" aria-label={toggle_label} title={toggle_label}
                    onclick={ontoggle}>
                { toggle_text }
            </button>
            <select class="time-speed" data-testid="time-speed" aria-label="Speed"
                    onchange={onspeed}>
                { for SPEEDS.iter().map(|s| html! {
                    <option value={s.to_string()} selected={*s == ctx.speed}>{ format!("{s}x") }</option>
                }) }
            </select>
            <button class="time-step" data-testid="time-step" disabled={ctx.playing}
                    title={format!("Advance {} s", STEP_MS / 1000)} onclick={onstep}>
                { "Step" }
            </button>
            // Rewinding needs the engine's snapshots; until then the timeline only shows
            // how far the cluster has run, and says so.
            <input class="time-slider" data-testid="time-slider" type="range"
                   aria-label="Timeline" min="0" {max} value={now}
                   disabled=true title="Rewind is not available yet" />
            <time class="time-clock" data-testid="time-clock" aria-label="Virtual clock">
                { format_clock(ctx.now_ms) }
            </time>
        </div>
    }
}
