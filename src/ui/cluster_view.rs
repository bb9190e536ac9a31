//! The cluster view: one lane per node, the pods bound to it as cards, and a lane for pods
//! the scheduler has not placed yet.

use std::rc::Rc;

use kubeplay::kubectl::session::{NodeLane, PodCard};
use yew::prelude::*;

use super::state::AppContext;

#[function_component(ClusterView)]
pub fn cluster_view() -> Html {
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    html! { <Lanes nodes={Rc::clone(&ctx.nodes)} pods={Rc::clone(&ctx.pods)} /> }
}

#[derive(Properties, PartialEq)]
pub struct LanesProps {
    pub nodes: Rc<Vec<NodeLane>>,
    pub pods: Rc<Vec<PodCard>>,
}

/// Separate from `ClusterView` so that clock ticks that change no pod skip this render.
#[function_component(Lanes)]
pub fn lanes(props: &LanesProps) -> Html {
    let on_node = |name: &str| -> Vec<&PodCard> {
        props
            .pods
            .iter()
            .filter(|p| p.node.as_deref() == Some(name))
            .collect()
    };
    let unscheduled: Vec<&PodCard> = props
        .pods
        .iter()
        .filter(|p| {
            p.node
                .as_deref()
                .is_none_or(|n| !props.nodes.iter().any(|l| l.name == n))
        })
        .collect();

    html! {
        <div class="cluster-view" data-testid="cluster-view">
            <h2 class="pane-title">{ "Cluster" }</h2>
            <div class="lanes">
                { for props.nodes.iter().map(|node| html! {
                    <div key={node.name.clone()} class="lane" data-lane={node.name.clone()}>
                        <div class="lane-head">
                            <span class="node-name">{ node.name.clone() }</span>
                            <span class="node-roles">{ node.roles.clone() }</span>
                            { for node.taints.iter().map(|t| html! {
                                <span class="taint" title="taint">{ t.clone() }</span>
                            }) }
                        </div>
                        <div class="cards">{ for on_node(&node.name).into_iter().map(pod_card) }</div>
                    </div>
                }) }
                if !unscheduled.is_empty() {
                    <div key="-unscheduled" class="lane unscheduled">
                        <div class="lane-head"><span class="node-name">{ "not scheduled" }</span></div>
                        <div class="cards">{ for unscheduled.into_iter().map(pod_card) }</div>
                    </div>
                }
            </div>
            if props.pods.is_empty() {
                <p class="empty">{ "No pods yet. Apply the manifest or run kubectl create." }</p>
            }
        </div>
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

fn pod_card(pod: &PodCard) -> Html {
    let node = pod.node.clone().unwrap_or_default();
    html! {
        <div key={pod.name.clone()}
             class={classes!("pod", phase_class(&pod.phase))}
             data-pod={pod.name.clone()}
             data-phase={pod.phase.clone()}
             data-node={node}>
            <div class="pod-name">
                { pod.name.clone() }
                if let Some(ordinal) = pod.ordinal {
                    <span class="ordinal" title="ordinal">{ format!("#{ordinal}") }</span>
                }
            </div>
            <div class="pod-meta">
                <span class="phase">{ pod.phase.clone() }</span>
                <span class="ready" title="ready containers">{ pod.ready.clone() }</span>
                if let Some(rev) = &pod.revision {
                    <span class="revision" title="revision">{ rev.clone() }</span>
                }
                if pod.restarts > 0 {
                    <span class="restarts" title="restarts">{ format!("↻{}", pod.restarts) }</span>
                }
            </div>
        </div>
    }
}
