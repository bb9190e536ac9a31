//! The lesson panel.

use yew::prelude::*;

#[function_component(Lesson)]
pub fn lesson() -> Html {
    // A welcome until lessons load: it tells a first-time visitor what to try.
    html! {
        <aside class="pane lesson-pane" data-testid="lesson" aria-label="Lesson">
            <h2 class="pane-title">{ "Lesson" }</h2>
            <div class="lesson-body">
                <p class="lead">{ "Welcome to kubeplay, a Kubernetes cluster that runs in your browser." }</p>
                <p>{ "Type " }<code>{ "kubectl version" }</code>{ " or " }<code>{ "help" }</code>
                   { " in the terminal, edit the manifest, press Apply, and watch the pods appear." }</p>
                <p>{ "Time is yours: pause it, speed it up, or step through it from the bar at the top." }</p>
            </div>
        </aside>
    }
}
