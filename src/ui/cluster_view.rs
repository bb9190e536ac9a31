//! The cluster view: one lane per node, the pods bound to it as cards grouped by owner, a
//! lane for pods the scheduler has not placed yet, the claims, and a describe panel.

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use super::cards::{drawn, is_system_namespace, NodeLane, PodCard};
use super::i18n::{use_strings, Strings};

use super::state::cluster::ClaimChip;
use super::state::{Action, AppContext};

/// How long a deleted pod's card stays to play its leaving animation (`.pod.gone` in
/// kubeplay.css, which must not run longer).
const GONE_MS: u32 = 450;
/// How long a card keeps the class of its entrance (`.pod.entering`, `pod-in`) and of its
/// flash on turning Running (`.pod.flash`, `pod-ready`): a little longer than those
/// animations in kubeplay.css, which must not run longer.
const ENTER_MS: f64 = 500.0;
const FLASH_MS: f64 = 900.0;

/// Cards of pods that left the store, kept a moment so that they can animate out, and
/// what else the view keeps between renders.
#[derive(Default)]
struct Departed {
    /// The cards last drawn.
    shown: Rc<Vec<CardData>>,
    /// Cards of deleted pods, with the index they had and when they left.
    gone: Vec<(usize, CardData, f64)>,
    /// The session the cards belong to: another one (rewind, restart) drops leaving cards.
    session: u64,
    /// The cards' click handler, made once.
    onselect: Option<Callback<Option<(String, String)>>>,
    /// The "Hide finished pods" switch's handler, made once.
    onhide: Option<Callback<bool>>,
    onsystem: Option<Callback<bool>>,
    /// The node power buttons' handler, made once.
    onrun: Option<Callback<String>>,
}

#[function_component(ClusterView)]
pub fn cluster_view() -> Html {
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    // Cards are computed once per change of the pod list, not per clock tick.
    let live = {
        let ctx = ctx.clone();
        use_memo(
            (
                Rc::clone(&ctx.cluster.pods),
                ctx.cluster.highlight.clone(),
                ctx.cluster.selected.clone(),
            ),
            move |(pods, highlight, selected)| {
                pods.iter()
                    .map(|p| CardData {
                        old: ctx.cluster.is_old_revision(p),
                        marked: highlight.as_deref() == Some(p.name.as_str())
                            || p.owner
                                .as_deref()
                                .and_then(|o| o.split('/').nth(1))
                                .is_some_and(|o| highlight.as_deref() == Some(o)),
                        selected: selected
                            .as_ref()
                            .is_some_and(|(ns, n)| *ns == p.namespace && *n == p.name),
                        gone: false,
                        pod: p.clone(),
                    })
                    .collect::<Vec<_>>()
            },
        )
    };
    // A pod that leaves the store keeps its card, in its place, for GONE_MS.
    let departed = use_mut_ref(Departed::default);
    let sweep = use_force_update();
    let cards = {
        let mut d = departed.borrow_mut();
        let now = js_sys::Date::now();
        let session = ctx.cluster.generation;
        let changed = !Rc::ptr_eq(&d.shown, &live);
        if d.session != session {
            d.session = session;
            d.gone.clear();
        } else if changed || !d.gone.is_empty() {
            // The live cards are in namespace/name order (the store's).
            let here = |c: &CardData| {
                let key = (c.pod.namespace.as_str(), c.pod.name.as_str());
                live.binary_search_by(|l| (l.pod.namespace.as_str(), l.pod.name.as_str()).cmp(&key))
                    .is_ok()
            };
            let mut left = Vec::new();
            if changed {
                for (i, c) in d.shown.iter().enumerate() {
                    if !c.gone && !here(c) {
                        let mut c = c.clone();
                        c.gone = true;
                        c.selected = false;
                        left.push((i, c, now));
                    }
                }
            }
            d.gone
                .retain(|(_, c, at)| now - at < f64::from(GONE_MS) && !here(c));
            d.gone.extend(left);
        }
        let cards = if d.gone.is_empty() {
            Rc::clone(&live)
        } else {
            let mut all = (*live).clone();
            for (i, c, _) in &d.gone {
                all.insert((*i).min(all.len()), c.clone());
            }
            Rc::new(all)
        };
        d.shown = Rc::clone(&cards);
        cards
    };
    {
        // Draw again once the leaving cards have played their animation.
        let leaving = !departed.borrow().gone.is_empty();
        use_effect_with((leaving, Rc::clone(&cards)), move |(leaving, _)| {
            let timer = leaving.then(|| Timeout::new(GONE_MS, move || sweep.force_update()));
            move || drop(timer)
        });
    }
    // Made once, so that cards are not drawn again for a new callback on every tick.
    let onselect = {
        let dispatcher = ctx.dispatcher();
        let mut d = departed.borrow_mut();
        d.onselect
            .get_or_insert_with(|| {
                Callback::from(move |sel| dispatcher.dispatch(Action::SelectPod(sel)))
            })
            .clone()
    };
    let onsystem = {
        let dispatcher = ctx.dispatcher();
        let mut d = departed.borrow_mut();
        d.onsystem
            .get_or_insert_with(|| {
                Callback::from(move |show| dispatcher.dispatch(Action::ShowSystem(show)))
            })
            .clone()
    };
    let onhide = {
        let dispatcher = ctx.dispatcher();
        let mut d = departed.borrow_mut();
        d.onhide
            .get_or_insert_with(|| {
                Callback::from(move |hide| dispatcher.dispatch(Action::HideFinished(hide)))
            })
            .clone()
    };
    let onrun = {
        let dispatcher = ctx.dispatcher();
        let mut d = departed.borrow_mut();
        d.onrun
            .get_or_insert_with(|| {
                Callback::from(move |line| dispatcher.dispatch(Action::Submit(line)))
            })
            .clone()
    };
    html! {
        <>
            <Lanes nodes={Rc::clone(&ctx.cluster.nodes)} {cards} claims={Rc::clone(&ctx.cluster.claims)}
                   onselect={onselect.clone()} hide_finished={ctx.cluster.hide_finished} {onhide}
                   show_system={ctx.cluster.show_system} {onsystem} {onrun} />
            if let (Some((_, name)), Some(text)) = (&ctx.cluster.selected, &ctx.cluster.describe) {
                <DescribePanel name={name.clone()} text={Rc::clone(text)} {onselect} />
            }
        </>
    }
}

#[derive(Clone, PartialEq)]
pub struct CardData {
    pub pod: PodCard,
    pub old: bool,
    pub marked: bool,
    pub selected: bool,
    /// The pod has left the store: the card only plays its leaving animation.
    pub gone: bool,
}

#[derive(Properties, PartialEq)]
pub struct LanesProps {
    pub nodes: Rc<Vec<NodeLane>>,
    pub cards: Rc<Vec<CardData>>,
    pub claims: Rc<Vec<ClaimChip>>,
    pub onselect: Callback<Option<(String, String)>>,
    /// Leave out the cards of finished pods (the switch is on).
    pub hide_finished: bool,
    pub onhide: Callback<bool>,
    /// Draw the system namespaces' pods (the fold is open).
    pub show_system: bool,
    pub onsystem: Callback<bool>,
    /// Runs a terminal line (the node power button types `kubeplay node stop|start`).
    pub onrun: Callback<String>,
}

/// The lane's kubelet switch: it types `kubeplay node stop|start NODE` into the terminal,
/// so that the command is seen, logged and replayed like any other.
fn power_button(strings: &Strings, node: &NodeLane, onrun: &Callback<String>) -> Html {
    let (verb, label) = if node.kubelet_stopped {
        ("start", strings.node_start)
    } else {
        ("stop", strings.node_stop)
    };
    let line = format!("kubeplay node {verb} {}", node.name);
    let onclick = {
        let onrun = onrun.clone();
        Callback::from(move |_: MouseEvent| onrun.emit(line.clone()))
    };
    let label = format!("{label} {}", node.name);
    html! {
        <button type="button" class={classes!("node-power", node.kubelet_stopped.then_some("stopped"))}
                data-testid="node-power" data-node={node.name.clone()} aria-pressed={node.kubelet_stopped.to_string()}
                aria-label={label.clone()} title={label} {onclick}>
            // Drawn, not the ⏻ character: common fonts (Debian's, older Windows) lack it.
            <svg viewBox="0 0 16 16" width="11" height="11" aria-hidden="true" focusable="false">
                <path d="M8 1.5v6" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
                <path d="M4.6 3.8a5.5 5.5 0 1 0 6.8 0" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
            </svg>
        </button>
    }
}

/// One owner's cards in a lane.
struct Group<'a> {
    owner: String,
    /// The CronJob behind a Job owner.
    schedule_owner: Option<String>,
    cards: Vec<&'a CardData>,
}

/// Pods of one lane, grouped by owner in order of first appearance.
fn grouped<'a>(cards: impl Iterator<Item = &'a CardData>) -> Vec<Group<'a>> {
    let mut groups: Vec<Group> = Vec::new();
    for c in cards {
        let owner = c.pod.owner.clone().unwrap_or_else(|| "—".to_string());
        match groups.iter_mut().find(|g| g.owner == owner) {
            Some(g) => g.cards.push(c),
            None => groups.push(Group {
                owner,
                schedule_owner: c.pod.schedule_owner.clone(),
                cards: vec![c],
            }),
        }
    }
    groups
}

/// Separate from `ClusterView` so that clock ticks that change no pod skip this render.
#[function_component(Lanes)]
pub fn lanes(props: &LanesProps) -> Html {
    let strings = use_strings();
    let known = |n: &str| props.nodes.iter().any(|l| l.name == n);
    let shown = || {
        props
            .cards
            .iter()
            .filter(|c| drawn(&c.pod, c.gone, props.show_system, props.hide_finished))
    };
    let system_count = props
        .cards
        .iter()
        .filter(|c| !c.gone && is_system_namespace(&c.pod.namespace))
        .count();
    let ontoggle_system = {
        let onsystem = props.onsystem.clone();
        let show = props.show_system;
        Callback::from(move |_: MouseEvent| onsystem.emit(!show))
    };
    let unscheduled: Vec<&CardData> = shown()
        .filter(|c| c.pod.node.as_deref().is_none_or(|n| !known(n)))
        .collect();
    let onhide = {
        let onhide = props.onhide.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            onhide.emit(input.checked());
        })
    };

    let lane = |key: String, head: Html, cards: Vec<&CardData>, extra: Option<&str>| {
        let groups = grouped(cards.into_iter());
        html! {
            <div key={key.clone()} class={classes!("lane", extra.map(str::to_string))} data-lane={key}>
                { head }
                <div class="groups">
                    { for groups.into_iter().map(|Group { owner, schedule_owner, cards }| html! {
                        <div key={owner.clone()} class="group" role="group" aria-label={owner.clone()}>
                            <div class="group-name">
                                { owner }
                                if let Some(cron) = schedule_owner {
                                    <span class="schedule-owner" title={strings.made_by_cronjob}>{ format!(" ← {cron}") }</span>
                                }
                            </div>
                            <div class="cards">
                                { for cards.into_iter().map(|c| html! {
                                    <PodCardView key={c.pod.name.clone()} card={c.clone()} onselect={props.onselect.clone()} />
                                }) }
                            </div>
                        </div>
                    }) }
                </div>
            </div>
        }
    };

    html! {
        <div class="cluster-view" data-testid="cluster-view">
            <div class="cluster-head">
                <h2 class="pane-title">{ strings.pane_cluster }</h2>
                <label class="hide-finished" title={strings.hide_finished_title}>
                    <input type="checkbox" data-testid="hide-finished" checked={props.hide_finished}
                           onchange={onhide} />
                    { strings.hide_finished }
                </label>
                if system_count > 0 {
                    <button class="system-toggle" data-testid="system-toggle" title={strings.system_pods_title}
                            aria-expanded={props.show_system.to_string()} onclick={ontoggle_system}>
                        <span class="fold" aria-hidden="true">{ if props.show_system { "▾" } else { "▸" } }</span>
                        { format!("{} ({system_count})", strings.system_pods) }
                    </button>
                }
            </div>
            <div class="lanes">
                { for props.nodes.iter().map(|node| {
                    let on_node: Vec<&CardData> = shown()
                        .filter(|c| c.pod.node.as_deref() == Some(node.name.as_str()))
                        .collect();
                    // Folded-away system pods still take the node's pod capacity.
                    let count = on_node.len()
                        + props.cards.iter().filter(|c| {
                            !c.gone && !props.show_system && is_system_namespace(&c.pod.namespace)
                                && c.pod.node.as_deref() == Some(node.name.as_str())
                        }).count();
                    let head = html! {
                        <div class="lane-head">
                            <span class={classes!("node-name", (!node.ready).then_some("not-ready"))}>{ node.name.clone() }</span>
                            <span class="node-roles">{ node.roles.clone() }</span>
                            { for node.taints.iter().map(|t| html! {
                                <span class="taint" title={strings.taint}>{ t.clone() }</span>
                            }) }
                            <span class="capacity" title={strings.pods_capacity}>{ format!("{count}/{}", node.max_pods) }</span>
                            { power_button(strings, node, &props.onrun) }
                        </div>
                    };
                    lane(node.name.clone(), head, on_node, None)
                }) }
                if !unscheduled.is_empty() {
                    { lane("-unscheduled".to_string(),
                           html! { <div class="lane-head"><span class="node-name">{ strings.not_scheduled }</span></div> },
                           unscheduled, Some("unscheduled")) }
                }
            </div>
            if shown().next().is_none() {
                <p class="empty">{ strings.no_pods }</p>
            }
            if !props.claims.is_empty() {
                <div class="claims" role="group" aria-label="PersistentVolumeClaims">
                    <span class="claims-title">{ "PVCs" }</span>
                    { for props.claims.iter().map(|c| html! {
                        <span key={c.name.clone()} class={classes!("claim", (c.phase == "Bound").then_some("bound"))}
                              data-pvc={c.name.clone()} title={c.phase.clone()}>{ c.name.clone() }</span>
                    }) }
                </div>
            }
        </div>
    }
}

/// How a pod ended, as a CSS class and its accessible words: a STATUS that says the
/// containers ran to completion, or that they failed (for good, or restarting in a loop).
fn outcome(phase: &str, strings: &Strings) -> Option<(&'static str, &'static str, &'static str)> {
    match phase {
        "Completed" | "Succeeded" => Some(("finished", "✓", strings.pod_completed)),
        "Error" | "OOMKilled" | "CrashLoopBackOff" | "Failed" | "DeadlineExceeded" => {
            Some(("failed", "✗", strings.pod_failed))
        }
        _ => None,
    }
}

/// A CSS class for the phase, so that colours follow STATUS without parsing it twice.
fn phase_class(phase: &str) -> &'static str {
    match phase {
        "Running" | "Completed" | "Succeeded" => "ok",
        "Terminating" => "leaving",
        "Pending" | "ContainerCreating" | "PodInitializing" => "starting",
        _ => "failing",
    }
}

/// When a card's one-shot animations began. Their classes are dropped once they have
/// played: the browser starts a CSS animation again whenever its element is displayed again
/// (the phone's pane tabs hide panes with `display: none`) or re-inserted, which replayed
/// the entrance of every card already there.
#[derive(Default)]
struct Motion {
    /// The phase class last drawn; empty before the first render.
    phase: &'static str,
    entered: Option<f64>,
    flashed: Option<f64>,
}

impl Motion {
    /// Notes the phase the card shows at `now` and forgets animations over by then.
    fn update(&mut self, phase: &'static str, now: f64) {
        // A leaving card that is live again shows a new pod of the same name (StatefulSet).
        if self.phase.is_empty() || (self.phase == "leaving" && phase != "leaving") {
            self.entered = Some(now);
        }
        if phase == "ok" && self.phase != "ok" {
            self.flashed = Some(now);
        }
        self.phase = phase;
        self.expire(now);
    }

    fn expire(&mut self, now: f64) {
        self.entered = self.entered.filter(|at| now - at < ENTER_MS);
        self.flashed = self.flashed.filter(|at| now - at < FLASH_MS);
    }

    /// When the next class has to go.
    fn deadline(&self) -> Option<f64> {
        let ends = [
            self.entered.map(|at| at + ENTER_MS),
            self.flashed.map(|at| at + FLASH_MS),
        ];
        ends.into_iter().flatten().reduce(f64::min)
    }
}

#[derive(Properties, PartialEq)]
pub struct PodCardProps {
    pub card: CardData,
    pub onselect: Callback<Option<(String, String)>>,
}

/// One pod; a component so that an unchanged card is not re-rendered.
#[function_component(PodCardView)]
pub fn pod_card(props: &PodCardProps) -> Html {
    let strings = use_strings();
    let CardData {
        pod,
        old,
        marked,
        selected,
        gone,
    } = &props.card;
    let node = pod.node.clone().unwrap_or_default();
    // A deleted pod's card (`gone`) keeps its look but leaves the hooks, the tab order
    // and the accessibility tree while it fades out.
    let onclick = (!*gone).then(|| {
        let sel = (pod.namespace.clone(), pod.name.clone());
        let onselect = props.onselect.clone();
        Callback::from(move |_: MouseEvent| onselect.emit(Some(sel.clone())))
    });
    let live = |value: String| (!*gone).then_some(value);
    let ready_all = pod
        .ready
        .split_once('/')
        .is_some_and(|(a, b)| a == b && a != "0");
    let phase = if *gone {
        "leaving"
    } else {
        phase_class(&pod.phase)
    };
    let motion = use_mut_ref(Motion::default);
    let (entering, flashing, deadline) = {
        let mut m = motion.borrow_mut();
        m.update(phase, js_sys::Date::now());
        (
            m.entered.is_some(),
            m.flashed.is_some() && phase == "ok",
            m.deadline(),
        )
    };
    {
        // Expiring at the deadline itself rather than at the timer's (possibly earlier)
        // clock, so that the class always goes.
        let redraw = use_force_update();
        let motion = Rc::clone(&motion);
        use_effect_with(deadline, move |deadline| {
            let timer = deadline.map(|at| {
                let wait = (at - js_sys::Date::now()).ceil().max(0.0) as u32;
                Timeout::new(wait, move || {
                    motion.borrow_mut().expire(at);
                    redraw.force_update();
                })
            });
            move || drop(timer)
        });
    }
    let ended = outcome(&pod.phase, strings);
    html! {
        <button class={classes!("pod", phase, ended.map(|(class, _, _)| class),
                                entering.then_some("entering"), flashing.then_some("flash"),
                                old.then_some("old-rev"), gone.then_some("gone"),
                                marked.then_some("marked"), selected.then_some("selected"))}
             data-pod={live(pod.name.clone())}
             data-phase={live(pod.phase.clone())}
             data-node={live(node)}
             data-gone={gone.then(|| pod.name.clone())}
             aria-hidden={gone.then_some("true")}
             tabindex={gone.then_some("-1")}
             title={ended.map(|(_, _, words)| words)}
             {onclick}>
            if let Some(ordinal) = pod.ordinal {
                <span class="ordinal" aria-hidden="true">{ ordinal }</span>
            }
            // Its name is its text (what a sighted reader sees, so voice control finds it),
            // with "pod" and how it ended for a screen reader.
            <span class="visually-hidden">{ "pod " }</span>
            <span class="pod-name">{ pod.name.clone() }</span>
            <span class="pod-meta">
                <span class="phase">
                    if let Some((_, mark, _)) = ended {
                        <span class="outcome" aria-hidden="true">{ mark }</span>
                    }
                    { pod.phase.clone() }
                </span>
                <span class={classes!("ready", ready_all.then_some("all"))} title={strings.ready_containers}>{ pod.ready.clone() }</span>
                if let Some(rev) = &pod.revision {
                    <span class={classes!("revision", old.then_some("old"))}
                          title={if *old { strings.old_template } else { strings.newest_template }}>
                        { rev.rsplit('-').next().unwrap_or(rev).to_string() }
                    </span>
                }
                if pod.restarts > 0 {
                    <span class="restarts" title={strings.restarts}>{ format!("↻{}", pod.restarts) }</span>
                }
            </span>
            if let Some((_, _, words)) = ended {
                <span class="visually-hidden">{ format!(" ({words})") }</span>
            }
            if !pod.claims.is_empty() {
                <span class="pod-claims">
                    { for pod.claims.iter().map(|c| html! { <span class="claim bound">{ c.clone() }</span> }) }
                </span>
            }
        </button>
    }
}

#[derive(Properties, PartialEq)]
pub struct DescribeProps {
    pub name: String,
    pub text: Rc<String>,
    pub onselect: Callback<Option<(String, String)>>,
}

#[function_component(DescribePanel)]
fn describe_panel(props: &DescribeProps) -> Html {
    let strings = use_strings();
    let onclose = {
        let onselect = props.onselect.clone();
        Callback::from(move |_: MouseEvent| onselect.emit(None))
    };
    html! {
        <div class="describe" role="dialog" aria-label={format!("describe pod {}", props.name)} data-testid="describe">
            <div class="describe-head">
                <span>{ format!("kubectl describe pod {}", props.name) }</span>
                <button class="close" onclick={onclose} aria-label={strings.close}>{ "×" }</button>
            </div>
            <pre>{ (*props.text).clone() }</pre>
        </div>
    }
}
