//! The time bar: play/pause, speed, step, the rewind timeline, the virtual clock and the
//! next CronJob run.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::i18n::use_strings;

use super::params::SPEEDS;
use super::state::clock::format_clock;
use super::state::{dispatch_on_click, Action, AppContext};
use super::step::{countdown, short_name};

#[function_component(TimeBar)]
pub fn time_bar() -> Html {
    let strings = use_strings();
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };

    let ontoggle = dispatch_on_click(&ctx, Action::TogglePlay);
    let onstep = dispatch_on_click(&ctx, Action::Step);
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
    // Dragging rebuilds the session at that instant (a replay of the input log).
    let onrewind = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(ms) = value.parse::<f64>() {
                ctx.dispatch(Action::Rewind(ms.max(0.0) as u64));
            }
        })
    };

    let (toggle_label, toggle_text) = if ctx.clock.playing {
        (strings.pause, "❚❚")
    } else {
        (strings.play, "▶")
    };
    let end = ctx.clock.timeline_end();
    let now = ctx.clock.now_ms;
    // The soonest CronJob run, counting down; gone once it is due (the controller then
    // starts its Job and the next run takes its place).
    let next_run = ctx
        .clock
        .next_run
        .as_ref()
        .filter(|(_, at)| *at > now)
        .map(|(key, at)| {
            let fill = |template: &str, name: &str| {
                template
                    .replace("{name}", name)
                    .replace("{in}", &countdown(at - now))
                    .replace("{at}", &format_clock(*at))
            };
            let label = fill(strings.next_run_label, key);
            html! {
                <span class="time-next-run" data-testid="time-next-run" role="note"
                      data-at={at.to_string()} aria-label={label.clone()} title={label}>
                    { fill(strings.next_run, short_name(key)) }
                </span>
            }
        });

    html! {
        <div class="time-bar" role="toolbar" aria-label={strings.virtual_time}>
            <button class={classes!("time-toggle", ctx.clock.playing.then_some("playing"))}
                    data-testid="time-toggle" aria-label={toggle_label} title={toggle_label}
                    onclick={ontoggle}>
                { toggle_text }
            </button>
            <select class="time-speed" data-testid="time-speed" aria-label={strings.speed}
                    onchange={onspeed}>
                { for SPEEDS.iter().map(|s| html! {
                    <option value={s.to_string()} selected={*s == ctx.clock.speed}>{ format!("{s}×") }</option>
                }) }
            </select>
            <button class="time-step" data-testid="time-step"
                    title={strings.step_title} aria-label={strings.step_label} onclick={onstep}>
                { strings.step_button }
            </button>
            <input class="time-slider" data-testid="time-slider" type="range"
                   aria-label={strings.timeline} min="0" max={end.to_string()} step="100"
                   value={ctx.clock.now_ms.to_string()} aria-valuetext={format_clock(ctx.clock.now_ms)}
                   oninput={onrewind} />
            <time class="time-clock" data-testid="time-clock" role="timer" aria-label={strings.virtual_clock}>
                { format_clock(ctx.clock.now_ms) }
            </time>
            { for next_run }
        </div>
    }
}
