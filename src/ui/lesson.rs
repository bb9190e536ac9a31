//! The lesson panel: a picker, the current step (Markdown text, command chips that type
//! into the terminal, hints, solution), progress (checked by the reducer after every
//! command, see `state::teach`), and a finish screen. Lessons are data fetched at run
//! time from `lessons/index.json` and `lessons/<id>.yaml`; [`LessonView`] renders an
//! already-loaded list (the tests use it).

use std::rc::Rc;

use yew::prelude::*;

use crate::kubectl::session::{Input, TimedInput};
use crate::lessons::{self, Lesson as LessonData};

use super::fetch::fetch_text;
use super::i18n::{fill, use_lang, use_strings};
use super::markdown;
use super::params::valid_id;
use super::settings::SettingsContext;
use super::state::teach::{LessonAction, LessonRun};
use super::state::{Action, AppContext, Restart};

/// The lesson list, relative to the page (trunk copies `static/lessons` there).
pub const INDEX_URL: &str = "lessons/index.json";
/// An index naming more lessons than this is cut.
const MAX_LESSONS: usize = 100;

/// The built lesson list, in index order.
pub type Lessons = Rc<Vec<Rc<LessonData>>>;

#[derive(Clone, PartialEq)]
enum Catalog {
    Loading,
    Ready(Lessons, Vec<String>),
}

/// The panel as mounted by the app: loads the lessons, then shows [`LessonView`].
#[function_component(Lesson)]
pub fn lesson() -> Html {
    let catalog = use_state(|| Catalog::Loading);
    // Parsing lessons is in the lazy half of the wasm (see `super::lazy`): wait for it.
    let engine_arrived = use_context::<AppContext>().is_some_and(|ctx| ctx.clock.engine_arrived);
    {
        let catalog = catalog.clone();
        use_effect_with(engine_arrived, move |arrived| {
            if *arrived {
                yew::platform::spawn_local(async move {
                    let (list, errors) = load_all().await;
                    catalog.set(Catalog::Ready(Rc::new(list), errors));
                });
            }
        });
    }
    let s = use_strings();
    match &*catalog {
        Catalog::Loading => html! {
            <aside class="pane lesson-pane" id="pane-lesson" data-testid="lesson" aria-label={s.lesson}>
                <h2 class="pane-title">{ s.lesson }</h2>
                <div class="lesson-body">
                    <p class="lead">{ s.welcome_lead }</p>
                    <p>{ s.welcome_try }</p>
                    <p>{ s.welcome_time }</p>
                    <p class="lesson-loading">{ s.loading }</p>
                </div>
            </aside>
        },
        Catalog::Ready(list, errors) => html! {
            <LessonView lessons={Rc::clone(list)} errors={Rc::new(errors.clone())} />
        },
    }
}

/// Fetches the index and every lesson it names; a lesson that fails is reported, not fatal.
async fn load_all() -> (Vec<Rc<LessonData>>, Vec<String>) {
    let mut errors = Vec::new();
    let ids: Vec<String> = match fetch_text(INDEX_URL, lessons::model::MAX_LESSON_BYTES).await {
        Ok(text) => match serde_json::from_str::<Index>(&text) {
            Ok(index) => index.lessons,
            Err(e) => {
                errors.push(format!("{INDEX_URL}: {e}"));
                Vec::new()
            }
        },
        Err(e) => {
            errors.push(format!("{INDEX_URL}: {e}"));
            Vec::new()
        }
    };
    let mut list = Vec::new();
    for id in ids.into_iter().filter(|id| valid_id(id)).take(MAX_LESSONS) {
        match fetch_text(
            &format!("lessons/{id}.yaml"),
            lessons::model::MAX_LESSON_BYTES,
        )
        .await
        {
            Ok(text) => match lessons::parse(&text) {
                Ok(l) => list.push(Rc::new(l)),
                Err(e) => errors.push(format!("{id}: {e}")),
            },
            Err(e) => errors.push(format!("{id}: {e}")),
        }
    }
    (list, errors)
}

#[derive(serde::Deserialize)]
struct Index {
    lessons: Vec<String>,
}

/// The inputs that set up a lesson's starting files (recorded, so share links carry them).
pub fn start_inputs(lesson: &LessonData) -> Vec<TimedInput> {
    lesson
        .files
        .iter()
        .map(|f| TimedInput {
            at: 0,
            input: Input::WriteFile {
                path: f.path.clone(),
                content: f.content.clone(),
            },
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct LessonViewProps {
    pub lessons: Lessons,
    /// Lessons that failed to load, shown as one line each.
    #[prop_or_default]
    pub errors: Rc<Vec<String>>,
}

#[function_component(LessonView)]
pub fn lesson_view(props: &LessonViewProps) -> Html {
    let ctx = use_context::<AppContext>();
    let settings = use_context::<SettingsContext>();
    let s = use_strings();
    let lang = use_lang();
    let progress: Option<&LessonRun> = ctx.as_ref().and_then(|c| c.teach.lesson.as_ref());
    // What the panel's buttons ask of the lesson run.
    let lesson_action = |action: LessonAction| {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(ctx) = &ctx {
                ctx.dispatch(Action::Lesson(action.clone()));
            }
        })
    };

    let start = {
        let ctx = ctx.clone();
        let lessons = Rc::clone(&props.lessons);
        Callback::from(move |(index, reset): (Option<usize>, bool)| {
            let Some(ctx) = &ctx else { return };
            let Some(i) = index.filter(|i| *i < lessons.len()) else {
                ctx.dispatch(Action::Lesson(LessonAction::Start(None)));
                return;
            };
            let l = &lessons[i];
            if reset {
                ctx.dispatch(Action::Restart(Rc::new(Restart {
                    nodes: l.cluster.nodes,
                    seed: l.cluster.seed,
                    inputs: start_inputs(l),
                    until_ms: 0,
                })));
            }
            ctx.dispatch(Action::Lesson(LessonAction::Start(Some((i, Rc::clone(l))))));
        })
    };

    {
        // `?lesson=ID` starts that lesson once the list is here (a share link keeps its
        // own cluster instead of the lesson's fresh one).
        let start = start.clone();
        let settings = settings.clone();
        let lessons = Rc::clone(&props.lessons);
        use_effect_with((), move |_| {
            if let Some(settings) = settings {
                if let Some(id) = &settings.params.lesson {
                    if let Some(i) = lessons.iter().position(|l| &l.id == id) {
                        start.emit((Some(i), !settings.has_share()));
                    }
                }
            }
        });
    }

    let prefill = |line: String| {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(ctx) = &ctx {
                ctx.dispatch(Action::Prefill(line.clone()));
            }
        })
    };
    let chips = |cmds: &[String]| -> Html {
        let chip_title = s.chip_title;
        html! {
            <ul class="chips">
                { for cmds.iter().map(|c| {
                    let line = c.lines().next().unwrap_or("").to_string();
                    html! {
                        <li><button type="button" class="chip" data-testid="lesson-chip"
                                    title={chip_title} onclick={prefill(line.clone())}>
                            <code>{ line }</code>
                        </button></li>
                    }
                }) }
            </ul>
        }
    };

    let onpick = {
        let start = start.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            start.emit((value.parse::<usize>().ok(), true));
        })
    };
    let picker = html! {
        <label class="lesson-picker">
            <span class="visually-hidden">{ s.choose_lesson }</span>
            <select data-testid="lesson-picker" onchange={onpick} aria-label={s.choose_lesson}>
                <option value="" selected={progress.is_none()}>{ s.no_lesson }</option>
                { for props.lessons.iter().enumerate().map(|(i, l)| html! {
                    <option value={i.to_string()} selected={progress.is_some_and(|p| p.index == i)}>
                        { LessonData::pick(&l.title, lang.tag()).to_string() }
                    </option>
                }) }
            </select>
        </label>
    };
    let errors = html! {
        { for props.errors.iter().map(|e| html! {
            <p class="lesson-error" role="alert">{ format!("{}: {e}", s.load_failed) }</p>
        }) }
    };
    let unknown = settings.as_ref().and_then(|st| {
        let id = st.params.lesson.as_ref()?;
        (!props.lessons.is_empty() && !props.lessons.iter().any(|l| &l.id == id))
            .then(|| html! { <p class="lesson-error" role="alert">{ format!("{}: {id}", s.bad_lesson) }</p> })
    });

    let body = match progress {
        None => {
            let url_commands = settings
                .as_ref()
                .map(|st| st.params.commands.clone())
                .unwrap_or_default();
            html! {
                <div class="lesson-body">
                    <p class="lead">{ s.welcome_lead }</p>
                    <p>{ s.welcome_try }</p>
                    <p>{ s.welcome_time }</p>
                    if !url_commands.is_empty() {
                        <h4>{ s.try_these }</h4>
                        { chips(&url_commands) }
                    }
                </div>
            }
        }
        Some(progress) => {
            let l = &progress.lesson;
            let t = |x: &crate::lessons::Localized| LessonData::pick(x, lang.tag()).to_string();
            let total = l.steps.len();
            let done = progress.done.iter().filter(|d| **d).count();
            let head = html! {
                <>
                    <h3 class="lesson-title" data-testid="lesson-title">{ t(&l.title) }</h3>
                    <div class="lesson-progress" data-testid="lesson-progress"
                         data-done={done.to_string()} data-total={total.to_string()}>
                        <progress max={total.to_string()} value={done.to_string()} aria-label={fill(s.steps_done, done, total)} />
                        <span>{ fill(s.steps_done, done, total) }</span>
                    </div>
                </>
            };
            if progress.finished {
                let restart = {
                    let start = start.clone();
                    let i = progress.index;
                    Callback::from(move |_: MouseEvent| start.emit((Some(i), true)))
                };
                html! {
                    <div class="lesson-body lesson-finish" data-testid="lesson-finish">
                        { head }
                        <h4>{ s.finished }</h4>
                        { markdown::render(&t(&l.finish)) }
                        <button type="button" class="button" onclick={restart}>{ s.restart }</button>
                    </div>
                }
            } else {
                let i = progress.step.min(total.saturating_sub(1));
                let step = &l.steps[i];
                let step_done = progress.done.get(i).copied().unwrap_or(false);
                // A lesson without hints in the UI language shows its English ones, and
                // says so in the UI language.
                let own_hints = step.hints.get(lang.tag());
                let hint_label = if own_hints.is_some() {
                    s.hint
                } else {
                    s.hint_other_lang
                };
                let hints: Vec<String> = own_hints
                    .or_else(|| step.hints.get("en"))
                    .cloned()
                    .unwrap_or_default();
                let more_hint = lesson_action(LessonAction::MoreHint);
                let show_solution = lesson_action(LessonAction::ShowSolution);
                let prev = lesson_action(LessonAction::Goto(i.saturating_sub(1)));
                let last = i + 1 >= total;
                let next = lesson_action(if last {
                    LessonAction::Finish
                } else {
                    LessonAction::Goto(i + 1)
                });
                html! {
                    <div class="lesson-body">
                        { head }
                        <p class="lesson-step-no">{ fill(s.step_of, i + 1, total) }</p>
                        <h4 class="lesson-step-title" data-testid="lesson-step-title">{ t(&step.title) }</h4>
                        { markdown::render(&t(&step.text)) }
                        if !step.commands.is_empty() {
                            <h5>{ s.try_these }</h5>
                            { chips(&step.commands) }
                        }
                        { for hints.iter().take(progress.hints).map(|h| html! {
                            <div class="lesson-hint" data-testid="lesson-hint">
                                <strong>{ hint_label }{ ": " }</strong>{ markdown::inline(h) }
                            </div>
                        }) }
                        <div class="lesson-tools">
                            if progress.hints < hints.len() {
                                <button type="button" class="button" data-testid="lesson-hint-button"
                                        onclick={more_hint}>{ s.show_hint }</button>
                            }
                            if !progress.solution && !step.solution.is_empty() {
                                <button type="button" class="button" data-testid="lesson-solution-button"
                                        onclick={show_solution}>{ s.show_solution }</button>
                            }
                        </div>
                        if progress.solution {
                            <div class="lesson-solution" data-testid="lesson-solution">
                                <h5>{ s.solution }</h5>
                                { chips(&step.solution) }
                            </div>
                        }
                        <p class={classes!("lesson-status", step_done.then_some("done"))}
                           data-testid="lesson-step-status" data-done={step_done.to_string()} role="status">
                            { if step_done { s.step_done } else { s.step_waiting } }
                        </p>
                        <nav class="lesson-nav">
                            <button type="button" class="button" disabled={i == 0} onclick={prev}>{ s.previous }</button>
                            <button type="button" class={classes!("button", step_done.then_some("primary"))}
                                    data-testid="lesson-next" onclick={next}>
                                { if last { s.finish } else { s.next } }
                            </button>
                        </nav>
                    </div>
                }
            }
        }
    };

    html! {
        <aside class="pane lesson-pane" id="pane-lesson" data-testid="lesson" aria-label={s.lesson}>
            <h2 class="pane-title">{ s.lesson }</h2>
            { picker }
            { errors }
            { for unknown }
            { body }
        </aside>
    }
}
