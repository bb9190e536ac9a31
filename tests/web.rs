//! Browser tests: the real app mounted in headless Chromium, driven the way a person would
//! drive it (typing, pressing Enter, clicking), checked by what appears on the page.
#![cfg(target_arch = "wasm32")]

use std::rc::Rc;
use std::time::Duration;

use kubeplay::ui;
use kubeplay::ui::cards::{NodeLane, PodCard};

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{
    Element, Event, EventInit, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

/// Lets Yew run the renders and effects scheduled by what the test just did.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

/// Mounts a fresh app in its own element, so tests do not see each other's pages.
async fn mount() -> Element {
    let window = web_sys::window().expect("a window");
    // Each test starts fresh: the app restores what an earlier test saved otherwise.
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = storage.clear();
    }
    let document = window.document().expect("a browser document");
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    yew::Renderer::<ui::app::App>::with_root(root.clone()).render();
    settle().await;
    root
}

fn hook(root: &Element, id: &str) -> Element {
    root.query_selector(&format!("[data-testid=\"{id}\"]"))
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no element with data-testid=\"{id}\""))
}

/// Dispatches a bubbling event of `kind` (`input`, `change`) at `target`, and settles.
async fn fire(target: &web_sys::EventTarget, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict(kind, &init).expect("an event");
    target.dispatch_event(&event).expect("event dispatched");
    settle().await;
}

async fn set_input(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    fire(input, "input").await;
}

async fn type_line(root: &Element, line: &str) {
    let input: HtmlInputElement = hook(root, "terminal-input").unchecked_into();
    input.set_value(line);
    let init = EventInit::new();
    init.set_bubbles(true);
    let typed = Event::new_with_event_init_dict("input", &init).expect("an input event");
    input.dispatch_event(&typed).expect("input dispatched");
    settle().await;
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    let enter =
        KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("a key event");
    input.dispatch_event(&enter).expect("Enter dispatched");
    settle().await;
}

async fn press(root: &Element, key: &str) {
    let input = hook(root, "terminal-input");
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event =
        KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("a key event");
    input.dispatch_event(&event).expect("key dispatched");
    settle().await;
}

async fn click(root: &Element, id: &str) {
    hook(root, id).unchecked_into::<HtmlElement>().click();
    settle().await;
}

fn output_lines(root: &Element) -> Vec<Element> {
    let output = hook(root, "terminal-output");
    let children = output.children();
    (0..children.length())
        .filter_map(|i| children.item(i))
        .collect()
}

fn output_texts(root: &Element) -> Vec<String> {
    output_lines(root)
        .iter()
        .filter_map(|l| l.text_content())
        .collect()
}

fn virtual_ms(root: &Element) -> u64 {
    let slider: HtmlInputElement = hook(root, "time-slider").unchecked_into();
    slider
        .value()
        .parse()
        .expect("the timeline's value is a number of milliseconds")
}

#[wasm_bindgen_test]
async fn every_test_hook_is_on_the_page() {
    let root = mount().await;
    for id in [
        "terminal-input",
        "terminal-output",
        "editor",
        "editor-apply",
        "cluster-view",
        "time-toggle",
        "time-speed",
        "time-step",
        "time-slider",
        "time-clock",
        "why-log",
        "lesson",
        "hide-finished",
        "node-power",
    ] {
        hook(&root, id);
    }
}

#[wasm_bindgen_test]
async fn kubectl_version_typed_in_the_terminal_prints_the_server_version() {
    let root = mount().await;
    type_line(&root, "kubectl version").await;
    let texts = output_texts(&root);
    assert_eq!(
        texts.first().map(String::as_str),
        Some("$ kubectl version"),
        "{texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.starts_with("Server Version: v1.34")),
        "{texts:?}"
    );
    let input: HtmlInputElement = hook(&root, "terminal-input").unchecked_into();
    assert_eq!(input.value(), "", "the input line is cleared after Enter");
}

#[wasm_bindgen_test]
async fn an_unknown_command_is_shown_as_an_error_line() {
    let root = mount().await;
    type_line(&root, "kubctl get pods").await;
    let lines = output_lines(&root);
    let last = lines.last().expect("some output");
    assert!(
        last.class_list().contains("err"),
        "class was {:?}",
        last.class_name()
    );
    assert_eq!(
        last.text_content().as_deref(),
        Some("bash: kubctl: command not found")
    );
}

#[wasm_bindgen_test]
async fn markup_typed_in_the_terminal_is_shown_as_text() {
    let root = mount().await;
    type_line(&root, "<b>bold</b>").await;
    let output = hook(&root, "terminal-output");
    assert!(
        output.query_selector("b").ok().flatten().is_none(),
        "typed markup became an element"
    );
    assert!(output
        .text_content()
        .unwrap_or_default()
        .contains("<b>bold</b>"));
}

#[wasm_bindgen_test]
async fn the_apply_button_runs_kubectl_apply_on_the_open_file() {
    let root = mount().await;
    click(&root, "editor-apply").await;
    let texts = output_texts(&root);
    assert_eq!(
        texts.first().map(String::as_str),
        Some("$ kubectl apply -f web.yaml"),
        "{texts:?}"
    );
}

#[wasm_bindgen_test]
async fn paused_time_stands_still_and_step_advances_it_to_the_next_event() {
    let root = mount().await;
    click(&root, "time-toggle").await;
    let paused_at = virtual_ms(&root);
    yew::platform::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(virtual_ms(&root), paused_at, "the clock moved while paused");
    click(&root, "time-step").await;
    let stepped = virtual_ms(&root);
    assert!(
        stepped > paused_at && stepped <= paused_at + 60_000,
        "{paused_at} -> {stepped}"
    );
}

#[wasm_bindgen_test]
async fn the_bar_counts_down_to_the_next_cronjob_run_and_one_step_reaches_it() {
    let root = mount().await;
    click(&root, "time-toggle").await;
    type_line(
        &root,
        "kubectl create cronjob hello --image=busybox:1.36 --schedule='*/1 * * * *' -- date",
    )
    .await;
    let next = hook(&root, "time-next-run");
    let shown = next.text_content().unwrap_or_default();
    assert!(shown.starts_with("next: hello in "), "{shown:?}");
    let label = next.get_attribute("aria-label").unwrap_or_default();
    assert!(
        label.starts_with("Next CronJob run: default/hello in "),
        "{label:?}"
    );
    let due: u64 = next
        .get_attribute("data-at")
        .and_then(|a| a.parse().ok())
        .expect("the run's time");
    click(&root, "time-step").await;
    assert!(virtual_ms(&root) >= due, "{} < {due}", virtual_ms(&root));
    type_line(&root, "kubectl get jobs -o name").await;
    let texts = output_texts(&root);
    assert!(
        texts.iter().any(|t| t.starts_with("job.batch/hello-")),
        "{texts:?}"
    );
}

#[wasm_bindgen_test]
async fn arrow_up_recalls_the_previous_command() {
    let root = mount().await;
    type_line(&root, "help").await;
    press(&root, "ArrowUp").await;
    let input: HtmlInputElement = hook(&root, "terminal-input").unchecked_into();
    assert_eq!(input.value(), "help");
    press(&root, "ArrowDown").await;
    assert_eq!(
        input.value(),
        "",
        "going down past the newest entry returns to a fresh line"
    );
}

#[wasm_bindgen_test]
async fn arrow_up_with_no_history_keeps_the_typed_text() {
    let root = mount().await;
    let input: HtmlInputElement = hook(&root, "terminal-input").unchecked_into();
    input.set_value("kubectl get");
    let init = EventInit::new();
    init.set_bubbles(true);
    let typed = Event::new_with_event_init_dict("input", &init).expect("an input event");
    input.dispatch_event(&typed).expect("input dispatched");
    settle().await;
    press(&root, "ArrowUp").await;
    assert_eq!(input.value(), "kubectl get");
}

fn pod(name: &str, phase: &str, node: Option<&str>) -> PodCard {
    PodCard {
        name: name.to_string(),
        phase: phase.to_string(),
        node: node.map(str::to_string),
        ready: "1/1".to_string(),
        owner: Some("web".to_string()),
        schedule_owner: None,
        finished: false,
        ordinal: name.rsplit('-').next().and_then(|n| n.parse().ok()),
        revision: Some("web-7d4b9c".to_string()),
        restarts: 0,
        namespace: "default".to_string(),
        claims: vec![],
    }
}

fn card_of(pod: PodCard, old: bool) -> ui::cluster_view::CardData {
    ui::cluster_view::CardData {
        pod,
        old,
        marked: false,
        selected: false,
        gone: false,
    }
}

/// An empty element in the page's body, for a component mounted on its own.
fn bare_root() -> Element {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser document");
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    root
}

/// Lanes for `nodes` and `cards` with every switch off and every handler a no-op; a test
/// sets what it looks at with `..lanes_props(…)`.
fn lanes_props(
    nodes: Vec<NodeLane>,
    cards: Vec<ui::cluster_view::CardData>,
) -> ui::cluster_view::LanesProps {
    ui::cluster_view::LanesProps {
        nodes: Rc::new(nodes),
        cards: Rc::new(cards),
        claims: Rc::new(vec![]),
        onselect: yew::Callback::noop(),
        hide_finished: false,
        onhide: yew::Callback::noop(),
        show_system: false,
        onsystem: yew::Callback::noop(),
        onrun: yew::Callback::noop(),
    }
}

/// Mounts `props` on `root` and lets it render.
async fn render_lanes(root: &Element, props: ui::cluster_view::LanesProps) {
    yew::Renderer::<ui::cluster_view::Lanes>::with_root_and_props(root.clone(), props).render();
    settle().await;
}

fn lane(name: &str) -> NodeLane {
    NodeLane {
        name: name.to_string(),
        roles: "<none>".to_string(),
        taints: vec![],
        ready: true,
        max_pods: 110,
        kubelet_stopped: false,
    }
}

#[wasm_bindgen_test]
async fn pods_appear_as_cards_in_their_nodes_lane_with_the_test_attributes() {
    let root = bare_root();
    let props = ui::cluster_view::LanesProps {
        claims: Rc::new(vec![ui::state::cluster::ClaimChip {
            name: "www-web-0".to_string(),
            phase: "Bound".to_string(),
        }]),
        ..lanes_props(
            vec![lane("node-a"), lane("node-b")],
            vec![
                card_of(pod("web-0", "Running", Some("node-b")), false),
                card_of(pod("web-1", "ContainerCreating", Some("node-a")), true),
                card_of(pod("web-2", "Pending", None), false),
            ],
        )
    };
    render_lanes(&root, props).await;

    let card = |name: &str| {
        root.query_selector(&format!(
            "[data-testid=\"cluster-view\"] [data-pod=\"{name}\"]"
        ))
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no card for {name}"))
    };
    let web0 = card("web-0");
    assert_eq!(web0.get_attribute("data-phase").as_deref(), Some("Running"));
    assert_eq!(web0.get_attribute("data-node").as_deref(), Some("node-b"));
    let lane_of = |el: &Element| {
        el.closest(".lane")
            .ok()
            .flatten()
            .and_then(|l| l.get_attribute("data-lane"))
    };
    assert_eq!(lane_of(&web0).as_deref(), Some("node-b"));
    assert_eq!(lane_of(&card("web-1")).as_deref(), Some("node-a"));
    let web2 = card("web-2");
    assert_eq!(web2.get_attribute("data-node").as_deref(), Some(""));
    assert!(
        web2.closest(".lane.unscheduled").ok().flatten().is_some(),
        "an unscheduled pod has its own lane"
    );
    let ordinal = card("web-1").query_selector(".ordinal").ok().flatten();
    assert_eq!(ordinal.and_then(|o| o.text_content()).as_deref(), Some("1"));
    assert!(card("web-1")
        .query_selector(".revision.old")
        .ok()
        .flatten()
        .is_some());
    assert!(card("web-0")
        .query_selector(".revision.old")
        .ok()
        .flatten()
        .is_none());
    assert!(root
        .query_selector("[data-pvc=\"www-web-0\"]")
        .ok()
        .flatten()
        .is_some());
}

#[wasm_bindgen_test]
async fn a_nodes_power_button_types_kubeplay_node_stop_or_start_for_its_lane() {
    let root = bare_root();
    let typed = Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let mut dead = lane("node-b");
    dead.kubelet_stopped = true;
    let props = ui::cluster_view::LanesProps {
        onrun: {
            let typed = Rc::clone(&typed);
            yew::Callback::from(move |line: String| typed.borrow_mut().push(line))
        },
        ..lanes_props(vec![lane("node-a"), dead], vec![])
    };
    render_lanes(&root, props).await;
    let button = |node: &str| {
        root.query_selector(&format!(
            "[data-testid=\"node-power\"][data-node=\"{node}\"]"
        ))
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no power button for {node}"))
        .dyn_into::<web_sys::HtmlElement>()
        .expect("a button")
    };
    assert_eq!(
        button("node-a").get_attribute("aria-label").as_deref(),
        Some("Stop the kubelet on node-a")
    );
    assert_eq!(
        button("node-b").get_attribute("aria-label").as_deref(),
        Some("Start the kubelet on node-b")
    );
    button("node-a").click();
    button("node-b").click();
    assert_eq!(
        *typed.borrow(),
        vec![
            "kubeplay node stop node-a".to_string(),
            "kubeplay node start node-b".to_string()
        ]
    );
}

/// Lanes with a running pod and the failed pod of a CronJob's Job, finished pods hidden
/// or not.
async fn mount_lanes_with_a_failed_job_pod(hide_finished: bool) -> Element {
    let root = bare_root();
    let mut failed = pod("nightly-29000000-x7k2p", "Error", Some("node-a"));
    failed.owner = Some("Job/nightly-29000000".to_string());
    failed.schedule_owner = Some("CronJob/nightly".to_string());
    failed.finished = true;
    failed.revision = None;
    mount_lanes(root, vec![failed], hide_finished, false).await
}

/// `extra` and a running `web-0` in the lane of `node-a`, mounted on `root`.
async fn mount_lanes(
    root: Element,
    extra: Vec<PodCard>,
    hide_finished: bool,
    show_system: bool,
) -> Element {
    let mut cards: Vec<_> = extra.into_iter().map(|p| card_of(p, false)).collect();
    cards.push(card_of(pod("web-0", "Running", Some("node-a")), false));
    let props = ui::cluster_view::LanesProps {
        hide_finished,
        show_system,
        ..lanes_props(vec![lane("node-a")], cards)
    };
    render_lanes(&root, props).await;
    root
}

#[wasm_bindgen_test]
async fn a_failed_job_pod_looks_failed_under_its_job_and_cronjob_and_can_be_hidden() {
    let root = mount_lanes_with_a_failed_job_pod(false).await;
    let failed = root
        .query_selector("[data-pod=\"nightly-29000000-x7k2p\"]")
        .ok()
        .flatten()
        .expect("the failed pod's card");
    assert!(
        failed.class_list().contains("failed"),
        "{}",
        failed.class_name()
    );
    assert!(!failed.class_list().contains("finished"));
    assert_eq!(failed.get_attribute("data-phase").as_deref(), Some("Error"));
    assert_eq!(
        failed.get_attribute("title").as_deref(),
        Some(ui::i18n::EN.pod_failed)
    );
    let group = failed.closest(".group").ok().flatten().expect("a group");
    assert_eq!(
        group.get_attribute("aria-label").as_deref(),
        Some("Job/nightly-29000000")
    );
    let head = group
        .query_selector(".group-name")
        .ok()
        .flatten()
        .and_then(|g| g.text_content())
        .unwrap_or_default();
    assert!(head.contains("CronJob/nightly"), "{head:?}");
    let web0 = root.query_selector("[data-pod=\"web-0\"]").ok().flatten();
    assert!(web0.is_some_and(|c| !c.class_list().contains("failed")));

    let hidden = mount_lanes_with_a_failed_job_pod(true).await;
    assert!(hidden
        .query_selector("[data-pod=\"nightly-29000000-x7k2p\"]")
        .ok()
        .flatten()
        .is_none());
    assert!(hidden
        .query_selector("[data-pod=\"web-0\"]")
        .ok()
        .flatten()
        .is_some());
}

#[wasm_bindgen_test]
async fn a_jobs_completed_pod_looks_finished_and_the_switch_hides_it() {
    let root = mount().await;
    click(&root, "time-toggle").await;
    type_line(&root, "kubectl create job hello --image=busybox -- echo hi").await;
    let card = |root: &Element| {
        root.query_selector("[data-testid=\"cluster-view\"] [data-pod^=\"hello-\"]")
            .ok()
            .flatten()
            .filter(|c| c.get_attribute("data-gone").is_none())
    };
    let mut steps = 0;
    while card(&root)
        .and_then(|c| c.get_attribute("data-phase"))
        .as_deref()
        != Some("Completed")
    {
        assert!(
            steps < 60,
            "the job's pod did not complete: {:?}",
            output_texts(&root)
        );
        click(&root, "time-step").await;
        steps += 1;
    }
    let done = card(&root).expect("the job's pod has a card");
    assert!(
        done.class_list().contains("finished"),
        "{}",
        done.class_name()
    );
    assert!(
        !done.class_list().contains("failed"),
        "{}",
        done.class_name()
    );
    assert_eq!(
        done.get_attribute("title").as_deref(),
        Some(ui::i18n::EN.pod_completed)
    );
    assert!(done
        .get_attribute("data-node")
        .is_some_and(|n| !n.is_empty()));
    let group = done
        .closest(".group")
        .ok()
        .flatten()
        .and_then(|g| g.get_attribute("aria-label"));
    assert_eq!(group.as_deref(), Some("Job/hello"));

    let switch: HtmlInputElement = hook(&root, "hide-finished").unchecked_into();
    assert!(!switch.checked(), "finished pods show by default");
    switch.click();
    settle().await;
    assert!(card(&root).is_none(), "the completed pod's card is hidden");
    // Clock ticks redraw the view: the switch stays on.
    click(&root, "time-step").await;
    assert!(switch.checked());
    assert!(card(&root).is_none(), "hidden after a re-render");
    switch.click();
    settle().await;
    let back = card(&root).expect("the card is back");
    assert_eq!(
        back.get_attribute("data-phase").as_deref(),
        Some("Completed")
    );
}

#[wasm_bindgen_test]
async fn tab_completes_a_single_candidate_and_lists_several() {
    let root = mount().await;
    let input: HtmlInputElement = hook(&root, "terminal-input").unchecked_into();
    set_input(&input, "kubectl descr").await;
    press(&root, "Tab").await;
    assert_eq!(input.value(), "kubectl describe ");
    set_input(&input, "kubectl de").await;
    press(&root, "Tab").await;
    let listed = hook(&root, "completions")
        .text_content()
        .unwrap_or_default();
    assert!(
        listed.contains("delete") && listed.contains("describe"),
        "{listed}"
    );
}

#[wasm_bindgen_test]
async fn a_pasted_heredoc_runs_line_by_line_and_the_file_gets_a_tab() {
    let root = mount().await;
    for line in ["cat <<EOF > note.yaml", "a: 1", "EOF", "cat note.yaml"] {
        type_line(&root, line).await;
    }
    let texts = output_texts(&root);
    assert!(texts.iter().any(|t| t == "> a: 1"), "{texts:?}");
    assert_eq!(texts.last().map(String::as_str), Some("a: 1"), "{texts:?}");
    let tabs = root.query_selector_all(".editor-pane .tab").expect("tabs");
    let names: Vec<String> = (0..tabs.length())
        .filter_map(|i| tabs.item(i).and_then(|t| t.text_content()))
        .collect();
    assert!(names.iter().any(|n| n == "note.yaml"), "{names:?}");
}

#[wasm_bindgen_test]
async fn corrupted_saved_state_is_reported_in_one_line_and_replaced() {
    let window = web_sys::window().expect("a window");
    let storage = window.local_storage().ok().flatten().expect("localStorage");
    storage
        .set_item(ui::state::saved::STORAGE_KEY, "{\"version\": 99}")
        .expect("stored");
    let document = window.document().expect("a document");
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    yew::Renderer::<ui::app::App>::with_root(root.clone()).render();
    settle().await;
    let texts = output_texts(&root);
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(
        texts[0].starts_with("saved session could not be restored ("),
        "{texts:?}"
    );
    assert!(texts[0].ends_with("); starting fresh"), "{texts:?}");
}

// ---- the lesson panel ------------------------------------------------------------------

const TEST_LESSON: &str = r#"
id: test-lesson
title: { en: "A test lesson", zh-TW: "測試課程" }
cluster: { nodes: 1, seed: 1 }
files:
  - path: hello.txt
    content: "hi\n"
steps:
  - id: nodes
    title: { en: "List the nodes" }
    text:
      en: |
        Run `kubectl get nodes`. <script>window.__kubeplayXss = 1</script> **bold**
        and [a link](javascript:alert(1)) and [another](https://kubernetes.io/).
    commands: ["kubectl get nodes"]
    hints: { en: ["It is `kubectl get`."] }
    solution: ["kubectl get nodes"]
    checks: [{ typed: "kubectl get nodes" }]
  - id: second
    title: { en: "Second" }
    text: { en: "Done soon." }
    checks: [{ kubectl: "get nodes -o name", contains: "node/minikube" }]
finish: { en: "All **done**." }
"#;

#[function_component(LessonHarness)]
fn lesson_harness() -> yew::Html {
    use ui::state::{AppContext, State};
    let state = yew::use_reducer(State::default);
    let lesson = Rc::new(kubeplay::lessons::parse(TEST_LESSON).expect("the test lesson parses"));
    let settings = Rc::new(ui::settings::Settings {
        params: kubeplay::ui::params::Params {
            lang: Some(kubeplay::ui::params::Lang::En),
            ..Default::default()
        },
        problems: Vec::new(),
        shared: None,
    });
    yew::html! {
        <yew::ContextProvider<AppContext> context={state}>
            <ui::settings::Teach settings={Some(settings)}>
                <ui::lesson::LessonView lessons={Rc::new(vec![lesson])} />
                <ui::terminal::Terminal />
            </ui::settings::Teach>
        </yew::ContextProvider<AppContext>>
    }
}

use yew::function_component;

async fn mount_lesson() -> Element {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    yew::Renderer::<LessonHarness>::with_root(root.clone()).render();
    settle().await;
    // Pick the lesson as a learner would.
    let picker: web_sys::HtmlSelectElement = hook(&root, "lesson-picker").unchecked_into();
    picker.set_value("0");
    fire(&picker, "change").await;
    root
}

#[wasm_bindgen_test]
async fn a_command_chip_types_into_the_terminal_without_running_it() {
    let root = mount_lesson().await;
    assert_eq!(
        hook(&root, "lesson-title").text_content().unwrap(),
        "A test lesson"
    );
    let before = output_lines(&root).len();
    click(&root, "lesson-chip").await;
    let input: HtmlInputElement = hook(&root, "terminal-input").unchecked_into();
    assert_eq!(input.value(), "kubectl get nodes");
    assert_eq!(
        output_lines(&root).len(),
        before,
        "the chip ran the command"
    );
    assert_eq!(
        hook(&root, "lesson-step-status")
            .get_attribute("data-done")
            .as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn running_the_solution_completes_the_step_and_the_lesson_finishes() {
    let root = mount_lesson().await;
    click(&root, "lesson-solution-button").await;
    let solution = hook(&root, "lesson-solution");
    solution
        .query_selector("button")
        .unwrap()
        .expect("a solution chip")
        .unchecked_into::<HtmlElement>()
        .click();
    settle().await;
    press(&root, "Enter").await;
    assert_eq!(
        hook(&root, "lesson-step-status")
            .get_attribute("data-done")
            .as_deref(),
        Some("true")
    );
    click(&root, "lesson-next").await;
    type_line(&root, "kubectl get nodes").await;
    assert_eq!(
        hook(&root, "lesson-progress")
            .get_attribute("data-done")
            .as_deref(),
        Some("2")
    );
    click(&root, "lesson-next").await;
    assert!(hook(&root, "lesson-finish")
        .text_content()
        .unwrap()
        .contains("All done."));
}

#[wasm_bindgen_test]
async fn hints_are_revealed_one_by_one() {
    let root = mount_lesson().await;
    assert!(root
        .query_selector("[data-testid=lesson-hint]")
        .unwrap()
        .is_none());
    click(&root, "lesson-hint-button").await;
    assert!(hook(&root, "lesson-hint")
        .text_content()
        .unwrap()
        .contains("kubectl get"));
    assert!(root
        .query_selector("[data-testid=lesson-hint-button]")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn lesson_markdown_shows_html_as_text_and_links_only_http() {
    let root = mount_lesson().await;
    let lesson = hook(&root, "lesson");
    assert!(lesson
        .text_content()
        .unwrap()
        .contains("<script>window.__kubeplayXss = 1</script>"));
    assert!(lesson.query_selector("script").unwrap().is_none());
    assert!(lesson.query_selector("strong").unwrap().is_some());
    let xss = js_sys::Reflect::get(&web_sys::window().unwrap(), &"__kubeplayXss".into()).unwrap();
    assert!(xss.is_undefined());
    let links = lesson.query_selector_all("a").unwrap();
    assert_eq!(links.length(), 1, "only the https link is a link");
    let a: Element = links.item(0).unwrap().unchecked_into();
    assert_eq!(
        a.get_attribute("href").as_deref(),
        Some("https://kubernetes.io/")
    );
    assert_eq!(
        a.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
}

#[wasm_bindgen_test]
async fn a_paused_page_notices_when_the_lazy_half_of_the_wasm_arrives() {
    let html = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .expect("an <html> element");
    // As a split release build starts: the lazy module is still on its way.
    html.set_attribute("data-wasm-lazy", "loading")
        .expect("marked");
    let root = mount().await;
    click(&root, "time-toggle").await;
    let waiting = |root: &Element| root.query_selector(".lesson-loading").unwrap().is_some();
    assert!(waiting(&root), "the lessons wait for the lazy half");
    html.set_attribute("data-wasm-lazy", "loaded")
        .expect("marked");
    yew::platform::time::sleep(Duration::from_millis(500)).await;
    let still_waiting = waiting(&root);
    html.remove_attribute("data-wasm-lazy").expect("unmarked");
    assert!(
        !still_waiting,
        "the paused page did not notice that the lazy half arrived"
    );
}

// ---- every label in both languages -----------------------------------------------------

/// The text a person sees or hears under `root`: every text node, and the attributes
/// that are shown as tooltips or read by screen readers.
fn visible_strings(root: &Element) -> Vec<String> {
    let mut found = Vec::new();
    let all = root.query_selector_all("*").expect("a selector");
    for i in 0..all.length() {
        let Some(el) = all.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        for attr in [
            "aria-label",
            "title",
            "placeholder",
            "aria-valuetext",
            "alt",
        ] {
            found.extend(el.get_attribute(attr));
        }
        let children = el.child_nodes();
        for j in 0..children.length() {
            let Some(node) = children.item(j) else {
                continue;
            };
            if node.node_type() == web_sys::Node::TEXT_NODE {
                found.extend(node.text_content());
            }
        }
    }
    found
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The English labels a zh-TW page must not show: a whole label, or a long piece of one
/// (the text between `{n}`-style placeholders), wherever it appears. The language switch
/// names each language in itself, so "English" is the one label that belongs there.
fn english_on_page(root: &Element) -> Vec<String> {
    use kubeplay::ui::i18n::{EN, ZH_TW};
    let shown = visible_strings(root);
    let mut english = Vec::new();
    for ((name, en), (_, zh)) in EN.entries().into_iter().zip(ZH_TW.entries()) {
        if en == zh || name == "lang_name" {
            continue;
        }
        let pieces: Vec<&str> = en
            .split(['{', '}'])
            .map(str::trim)
            .filter(|p| p.chars().count() >= 10)
            .collect();
        for s in &shown {
            if s == en || pieces.iter().any(|p| s.contains(p)) {
                english.push(format!("{name}: {s:?}"));
            }
        }
    }
    english
}

async fn choose_language(root: &Element, tag: &str) {
    let switch: web_sys::HtmlSelectElement = hook(root, "lang-switch").unchecked_into();
    switch.set_value(tag);
    fire(&switch, "change").await;
}

#[wasm_bindgen_test]
async fn free_play_in_traditional_chinese_shows_no_english_label() {
    let root = mount().await;
    // The English page does show them: the check can see a label that was left out.
    let before = english_on_page(&root);
    for label in ["why_empty", "no_pods", "pane_terminal", "virtual_clock"] {
        assert!(
            before.iter().any(|e| e.starts_with(&format!("{label}: "))),
            "{label} not found on the English page: {before:?}"
        );
    }
    choose_language(&root, "zh-TW").await;
    assert_eq!(
        english_on_page(&root),
        Vec::<String>::new(),
        "empty cluster"
    );
    // Pods on cards (their tooltips), a pod waiting for a node, and a command holding the
    // prompt (its hint).
    type_line(
        &root,
        "kubectl create deployment web --image=nginx:1.27 --replicas=2",
    )
    .await;
    for _ in 0..20 {
        click(&root, "time-step").await;
    }
    type_line(&root, "sleep 600").await;
    let cards = root.query_selector_all("[data-pod]").expect("a selector");
    assert!(cards.length() >= 2, "the pods have cards");
    assert!(
        root.query_selector(".hint").unwrap().is_some(),
        "the running hint shows"
    );
    assert_eq!(
        english_on_page(&root),
        Vec::<String>::new(),
        "pods and a running command"
    );
    let init = KeyboardEventInit::new();
    init.set_key("c");
    init.set_ctrl_key(true);
    init.set_bubbles(true);
    let ctrl_c = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("a key");
    hook(&root, "terminal-input")
        .dispatch_event(&ctrl_c)
        .expect("Ctrl-C dispatched");
    choose_language(&root, "en").await;
}

/// Lanes with a learner's pod and kube-proxy's, the system namespaces folded or not.
async fn mount_lanes_with_a_system_pod(show_system: bool) -> Element {
    let root = bare_root();
    let mut proxy = pod("kube-proxy-x7k2p", "Running", Some("node-a"));
    proxy.namespace = "kube-system".to_string();
    proxy.owner = Some("DaemonSet/kube-proxy".to_string());
    mount_lanes(root, vec![proxy], false, show_system).await
}

#[wasm_bindgen_test]
async fn system_pods_are_folded_behind_a_button_that_unfolds_them() {
    let folded = mount_lanes_with_a_system_pod(false).await;
    let button = folded
        .query_selector("[data-testid=\"system-toggle\"]")
        .ok()
        .flatten()
        .expect("the system pods' button");
    assert_eq!(
        button.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    let label = button.text_content().unwrap_or_default();
    assert!(
        label.contains(ui::i18n::EN.system_pods) && label.contains("(1)"),
        "{label:?}"
    );
    assert!(folded
        .query_selector("[data-pod=\"kube-proxy-x7k2p\"]")
        .ok()
        .flatten()
        .is_none());
    assert!(folded
        .query_selector("[data-pod=\"web-0\"]")
        .ok()
        .flatten()
        .is_some());
    let capacity = folded
        .query_selector(".capacity")
        .ok()
        .flatten()
        .and_then(|c| c.text_content());
    assert_eq!(
        capacity.as_deref(),
        Some("2/110"),
        "folded pods still count"
    );

    let open = mount_lanes_with_a_system_pod(true).await;
    let button = open
        .query_selector("[data-testid=\"system-toggle\"]")
        .ok()
        .flatten()
        .expect("the system pods' button");
    assert_eq!(
        button.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert!(open
        .query_selector("[data-pod=\"kube-proxy-x7k2p\"]")
        .ok()
        .flatten()
        .is_some());
}

/// The editor's textarea with `text` in it and the caret at its end, as typing leaves it.
async fn editor_with(root: &Element, text: &str) -> web_sys::HtmlTextAreaElement {
    let area: web_sys::HtmlTextAreaElement = hook(root, "editor").unchecked_into();
    area.set_value(text);
    let end = text.encode_utf16().count() as u32;
    area.set_selection_range(end, end).expect("a caret");
    input_event(&area, "input", "insertText").await;
    area
}

/// An `input` or `beforeinput` event of `input_type`; whether the page cancelled it.
async fn input_event(target: &web_sys::EventTarget, kind: &str, input_type: &str) -> bool {
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_input_type(input_type);
    let event = web_sys::InputEvent::new_with_event_init_dict(kind, &init).expect("an event");
    target.dispatch_event(&event).expect("event dispatched");
    settle().await;
    event.default_prevented()
}

/// A key pressed in the editor (with Ctrl when `ctrl`).
async fn editor_key(area: &web_sys::HtmlTextAreaElement, key: &str, ctrl: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("a key event");
    area.dispatch_event(&event).expect("key dispatched");
    settle().await;
}

fn completion_labels(root: &Element) -> Vec<String> {
    let options = root
        .query_selector_all("#editor-completion [role=\"option\"] .label")
        .expect("options");
    (0..options.length())
        .filter_map(|i| options.item(i).and_then(|o| o.text_content()))
        .collect()
}

const PULL_POLICY: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    imagePullPolicy: ";

#[wasm_bindgen_test]
async fn the_editor_lists_a_fields_enum_values_and_enter_chooses_one() {
    let root = mount().await;
    let area = editor_with(&root, PULL_POLICY).await;
    editor_key(&area, " ", true).await;
    assert_eq!(
        completion_labels(&root),
        ["Always", "IfNotPresent", "Never"]
    );
    assert_eq!(
        area.get_attribute("aria-activedescendant").as_deref(),
        Some("editor-completion-0")
    );
    editor_key(&area, "ArrowDown", false).await;
    editor_key(&area, "Enter", false).await;
    assert_eq!(area.value(), format!("{PULL_POLICY}IfNotPresent"));
    assert!(completion_labels(&root).is_empty(), "the list closed");
    // Inside a flow mapping the keys complete on the same line, without those written.
    let flow =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - {name: c, ima";
    let area = editor_with(&root, flow).await;
    editor_key(&area, " ", true).await;
    assert_eq!(completion_labels(&root), ["image", "imagePullPolicy"]);
    editor_key(&area, "Enter", false).await;
    assert_eq!(area.value(), format!("{}image: ", &flow[..flow.len() - 3]));
}

#[wasm_bindgen_test]
async fn the_open_list_follows_the_text_when_it_scrolls() {
    let root = mount().await;
    let long = format!("{}{PULL_POLICY}", "# a comment line\n".repeat(200));
    let area = editor_with(&root, &long).await;
    // The page's CSS makes the textarea's scroller a box that scrolls; this page has none.
    let scroller = area.parent_element().expect("the textarea's scroller");
    scroller
        .set_attribute("style", "height:200px;overflow:auto")
        .unwrap();
    editor_key(&area, " ", true).await;
    let at = |root: &Element| {
        hook(root, "editor-completion")
            .get_attribute("style")
            .unwrap_or_default()
    };
    // Opening the list brought the caret's line into view: the textarea's scroller moved
    // (the textarea itself is as tall as its lines and never scrolls).
    let top = scroller.scroll_top();
    assert!(top > 40, "scrolled to the caret: {top}");
    assert!(
        at(&root).contains(&format!("--scroll-y:{top}px")),
        "{}",
        at(&root)
    );
    scroller.set_scroll_top(top - 40);
    fire(&scroller, "scroll").await;
    // Still open, and drawn 40 px lower: with its word (the page's CSS subtracts the
    // offset from the word's row).
    assert_eq!(completion_labels(&root).len(), 3, "the list stays open");
    let moved = format!("--scroll-y:{}px", top - 40);
    assert!(at(&root).contains(&moved), "{}", at(&root));
}

#[wasm_bindgen_test]
async fn undo_and_redo_from_keys_and_from_the_browsers_own_menu_share_one_history() {
    let root = mount().await;
    let area = editor_with(&root, PULL_POLICY).await;
    editor_key(&area, " ", true).await;
    editor_key(&area, "Enter", false).await;
    assert_eq!(area.value(), format!("{PULL_POLICY}Always"));
    editor_key(&area, "z", true).await;
    assert_eq!(area.value(), PULL_POLICY);
    // The Edit menu's Redo and Undo arrive as `beforeinput` events: the editor takes them
    // over, so that they step through its history rather than the browser's.
    assert!(input_event(&area, "beforeinput", "historyRedo").await);
    assert_eq!(area.value(), format!("{PULL_POLICY}Always"));
    assert!(input_event(&area, "beforeinput", "historyUndo").await);
    assert_eq!(area.value(), PULL_POLICY);
    // Other input is the browser's to make.
    assert!(!input_event(&area, "beforeinput", "insertText").await);
}
