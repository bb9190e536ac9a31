//! The YAML editor: file tabs, a line-number gutter, a highlighted copy of the text drawn
//! behind a transparent textarea, inline diagnostics, templates and Apply. Completion, the
//! explain panel, undo and YAML's indentation are `editor_assist`; find is `find_bar`.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlSelectElement};
use yew::prelude::*;

use crate::kubectl::diagnostics::{check_manifest, is_manifest_name, Diagnostic};

use super::editor_assist::{
    completion_list, docs_panel, docs_text, option_id, place_list, scroll_to_option, Assist,
};
use super::editor_view::{spacer, Held, TextView, DRAW_MARGIN};
use super::find_bar::{marks_layer, Find, FindBar};
use super::i18n::{fill, use_lang, use_strings};

use super::state::{dispatch_on_click, Action, AppContext};

/// How long typing must pause before the manifest is checked again.
const DIAGNOSE_AFTER_MS: u32 = 300;
/// A file up to this many lines draws all of them; a longer one (an operator bundle, a
/// rendered chart) draws only the lines around the visible ones, so that opening a
/// 10,000-line file does not build 10,000 highlighted lines and gutter numbers at once.
const DRAW_ALL_UP_TO: usize = 400;

/// The lines to draw, `start..end`, when the first visible line is in the step starting at
/// `step_start` and `visible` lines fit the box.
fn drawn_lines(step_start: usize, visible: usize, total: usize) -> (usize, usize) {
    if total <= DRAW_ALL_UP_TO {
        return (0, total);
    }
    let start = step_start.saturating_sub(DRAW_MARGIN).min(total);
    let end = (step_start + DRAW_MARGIN + visible + DRAW_MARGIN).min(total);
    (start, end)
}

/// The gutter's width: its widest number's digits, the mark of a line with a problem when
/// there is one, and its paddings and border. The gutter has `contain: strict`, so its
/// numbers do not size it: a window of numbers drawn as the text scrolls lays out the
/// gutter alone, not the textarea beside it.
fn gutter_width(line_count: usize, marked: bool) -> String {
    let digits = line_count.to_string().len();
    let mark = if marked { 1.5 } else { 0.0 };
    format!("width:calc({}ch + 1.25rem + 1px)", digits as f64 + mark)
}

const TEMPLATES: [(&str, &str, &str); 4] = [
    (
        "StatefulSet",
        "statefulset.yaml",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: nginx\n  replicas: 3\n  selector:\n    matchLabels:\n      app: nginx\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n        volumeMounts:\n        - name: www\n          mountPath: /usr/share/nginx/html\n  volumeClaimTemplates:\n  - metadata:\n      name: www\n    spec:\n      accessModes: [\"ReadWriteOnce\"]\n      resources:\n        requests:\n          storage: 1Gi\n",
    ),
    (
        "DaemonSet",
        "daemonset.yaml",
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: helloworld\nspec:\n  selector:\n    matchLabels:\n      app: helloworld\n  template:\n    metadata:\n      labels:\n        app: helloworld\n    spec:\n      containers:\n      - name: helloworld\n        image: busybox:1.36\n        command: [\"sh\", \"-c\", \"sleep 3600\"]\n",
    ),
    (
        "Deployment",
        "deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hello\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: hello\n  template:\n    metadata:\n      labels:\n        app: hello\n    spec:\n      containers:\n      - name: hello\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n",
    ),
    (
        "Service",
        "service.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\nspec:\n  clusterIP: None\n  selector:\n    app: nginx\n  ports:\n  - port: 80\n    name: web\n",
    ),
];

#[function_component(Editor)]
pub fn editor() -> Html {
    let strings = use_strings();
    let Some(ctx) = use_context::<AppContext>() else {
        return html! {};
    };
    let gutter_ref = use_node_ref();
    let overlay_ref = use_node_ref();
    let diagnostics = use_state(|| Rc::new(Vec::<Diagnostic>::new()));
    let lang = use_lang();
    let marks_ref = use_node_ref();
    let find = use_state(|| None::<Find>);
    // The first visible line's step and how many lines fit: the drawn window (see
    // `drawn_lines`), changed only when the scrolling crosses a step.
    let view = TextView {
        area: use_node_ref(),
        scroller: use_node_ref(),
        held: use_mut_ref(Held::default),
        scrolled: use_state_eq(|| (0usize, 60usize)),
        pending: use_mut_ref(|| None),
        pending_top: use_memo((), |_| Cell::new(None)),
    };
    let assist = Assist {
        view: view.clone(),
        ctx: ctx.clone(),
        histories: use_mut_ref(Default::default),
        completion: use_state(|| None),
        docs_path: use_state(|| None),
        tab_leaves: use_mut_ref(|| false),
    };

    {
        // Checked a moment after typing stops; a newer edit drops the pending check. The
        // check needs the lazy half of the wasm: not worth a synchronous download.
        let diagnostics = diagnostics.clone();
        use_effect_with(
            (
                Rc::clone(&ctx.editor.file_text),
                ctx.clock.engine_arrived,
                ctx.editor.file_name.clone(),
            ),
            move |(text, arrived, name)| {
                let text = Rc::clone(text);
                // A properties or text file opened for a ConfigMap is not a manifest.
                if !is_manifest_name(name) {
                    diagnostics.set(Rc::new(Vec::new()));
                }
                let timer = (*arrived && is_manifest_name(name)).then(|| {
                    Timeout::new(DIAGNOSE_AFTER_MS, move || {
                        diagnostics.set(Rc::new(check_manifest(&text)));
                    })
                });
                move || drop(timer)
            },
        );
    }
    {
        // The browser's own undo and redo (its Edit menu, the context menu, a phone's undo
        // key) go through the editor's history: the browser's stack knows nothing of the
        // text set from code (completion, indentation, a file opened), so its steps would
        // be wrong. Registered again each render, so that it uses this render's state.
        let assist = assist.clone();
        use_effect(move || {
            let area = assist.view.area();
            let listener =
                Closure::<dyn Fn(web_sys::InputEvent)>::new(move |e: web_sys::InputEvent| {
                    if assist.before_input(&e) {
                        e.prevent_default();
                    }
                });
            if let Some(area) = &area {
                let _ = area.add_event_listener_with_callback(
                    "beforeinput",
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(area) = &area {
                    let _ = area.remove_event_listener_with_callback(
                        "beforeinput",
                        listener.as_ref().unchecked_ref(),
                    );
                }
                drop(listener);
            }
        });
    }
    {
        let area_ref = view.area.clone();
        use_effect_with(ctx.editor.focus, move |n| {
            if *n > 0 {
                if let Some(area) = area_ref.cast::<web_sys::HtmlElement>() {
                    let _ = area.focus();
                }
            }
        });
    }
    {
        // The window moved under the selection in this render: put it back.
        let view = view.clone();
        use_effect(move || view.restore());
    }

    let oninput = {
        let assist = assist.clone();
        Callback::from(move |e: InputEvent| {
            let Some((text, cursor)) = assist.view.typed() else {
                return;
            };
            // A letter, or the space after a key's colon, may open the completion list.
            let typed_letter = e.input_type() == "insertText"
                && e.data()
                    .is_some_and(|d| d.chars().all(|c| c.is_alphanumeric() || c == ' '));
            assist.typed(text, cursor, typed_letter);
        })
    };

    // The highlighted copy's rows: one more than the gutter's when the text ends in '\n'.
    let rows = ctx.editor.file_text.split('\n').count();
    // The gutter and the highlighted copy follow the scroller by hand.
    let onscroll = {
        let gutter_ref = gutter_ref.clone();
        let overlay_ref = overlay_ref.clone();
        let marks_ref = marks_ref.clone();
        let assist = assist.clone();
        Callback::from(move |e: Event| {
            let scroller = e.target_unchecked_into::<Element>();
            let (top, left) = (scroller.scroll_top(), scroller.scroll_left());
            assist.view.note_scroll();
            // The completion list stays under its word (it is drawn at the scroll offsets).
            assist.scrolled(top, left);
            if let Some(gutter) = gutter_ref.cast::<Element>() {
                gutter.set_scroll_top(top);
            }
            for layer in [&overlay_ref, &marks_ref] {
                if let Some(layer) = layer.cast::<Element>() {
                    layer.set_scroll_top(top);
                    layer.set_scroll_left(left);
                }
            }
        })
    };
    // Copying or cutting all of a long file's window (Ctrl-A) copies the whole file.
    let onclip = |cut: bool| {
        let assist = assist.clone();
        Callback::from(move |e: Event| {
            let e = e.unchecked_into::<web_sys::ClipboardEvent>();
            if let Some(text) = assist.copied_whole(cut) {
                if let Some(data) = e.clipboard_data() {
                    let _ = data.set_data("text/plain", &text);
                    e.prevent_default();
                }
            }
        })
    };
    let (oncopy, oncut) = (onclip(false), onclip(true));

    // Ctrl-S saves (and finishes a `kubectl edit`), Ctrl-Enter applies, Ctrl-F finds; the
    // rest (completion, undo, indentation) is the assist's.
    let onkeydown = {
        let ctx = ctx.clone();
        let (assist, find) = (assist.clone(), find.clone());
        Callback::from(move |e: KeyboardEvent| {
            let ctrl = e.ctrl_key() || e.meta_key();
            match e.key().as_str() {
                "s" if ctrl => {
                    e.prevent_default();
                    ctx.dispatch(Action::Save);
                }
                "Enter" if ctrl => {
                    e.prevent_default();
                    ctx.dispatch(Action::Apply);
                }
                "f" if ctrl => {
                    e.prevent_default();
                    assist.close();
                    find.set(Some(find.as_ref().cloned().unwrap_or_default()));
                }
                _ => {
                    if assist.key(&e) {
                        e.prevent_default();
                        e.stop_propagation();
                    }
                }
            }
        })
    };
    let follow_cursor = {
        let assist = assist.clone();
        Callback::from(move |_: Event| assist.follow_cursor())
    };
    let onblur = {
        let assist = assist.clone();
        Callback::from(move |_: FocusEvent| assist.close())
    };
    let onpick = {
        let assist = assist.clone();
        Callback::from(move |i: usize| assist.accept(i))
    };
    let button = |f: fn(&Assist)| {
        let assist = assist.clone();
        Callback::from(move |_: MouseEvent| f(&assist))
    };
    let (onsuggest, onundo, onredo) = (
        button(Assist::suggest_here),
        button(Assist::undo),
        button(Assist::redo),
    );
    let onfind = {
        let find = find.clone();
        Callback::from(move |_: MouseEvent| find.set(Some(Find::default())))
    };
    let open = (*assist.completion).clone();
    // The entry chosen in the list is documented; otherwise the field under the cursor.
    let docs_path = open
        .as_ref()
        .and_then(|o| o.items.get(o.active))
        .and_then(|c| c.explain_path.clone())
        .or_else(|| (*assist.docs_path).clone());
    let docs = use_memo((docs_path.clone(), lang), |(path, lang)| {
        path.as_ref().map(|p| docs_text(p, *lang))
    });
    let list_ref = use_node_ref();
    {
        let list_ref = list_ref.clone();
        use_effect_with(open.as_ref().map(|o| o.active), move |active| {
            if let Some(active) = active {
                scroll_to_option(&list_ref, *active);
            }
        });
    }
    {
        // After every render, as the pane's height may have changed under an open list
        // (the explain panel opens with it): below its word, or above when the pane has
        // too little room left below.
        let (list_ref, scroller_ref) = (list_ref.clone(), view.scroller.clone());
        let shown = open.as_ref().map(|o| (o.row, o.items.len()));
        use_effect(move || {
            if let (Some((row, items)), Some(list), Some(scroller)) = (
                shown,
                list_ref.cast::<Element>(),
                scroller_ref.cast::<Element>(),
            ) {
                place_list(&list, &scroller, row, items);
            }
        });
    }

    let onapply = dispatch_on_click(&ctx, Action::Apply);
    let onsave = dispatch_on_click(&ctx, Action::Save);
    let ontemplate = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let select = e.target_unchecked_into::<HtmlSelectElement>();
            let chosen = select.value();
            select.set_value("");
            if let Some((_, name, text)) = TEMPLATES.iter().find(|t| t.0 == chosen) {
                ctx.dispatch(Action::NewFile {
                    name: name.to_string(),
                    text: text.to_string(),
                });
            }
        })
    };

    // A trailing newline does not start a line a person would number.
    let line_count = ctx
        .editor
        .file_text
        .trim_end_matches('\n')
        .lines()
        .count()
        .max(1);
    let bad_lines = use_memo(Rc::clone(&*diagnostics), |d| {
        d.iter().map(|d| d.line).collect::<Vec<usize>>()
    });
    let (start, end) = drawn_lines(view.scrolled.0, view.scrolled.1, rows);
    // The file's widest line: the textarea is as wide (it holds only some of the lines),
    // and the spacer of the undrawn lines too, so that the highlighted copy scrolls
    // sideways as far.
    let widest = ctx
        .editor
        .file_text
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let window = view.hold(&ctx.editor.file_text);
    let held = window.held(&ctx.editor.file_text);
    let held_rows = window.lines.1 - window.lines.0;
    // A line and two columns more than it holds: what is typed at its last line or column
    // fits before the next render grows it, so the browser scrolls the scroller to the
    // caret, not the textarea inside it (which would slide under the highlighted copy).
    // The other layers end one line lower too, to scroll as far.
    let area_style = format!(
        "height:calc({} * 1lh + 1rem);width:max(100%, calc({widest}ch + 1.5rem + 2ch))",
        held_rows + 1
    );
    let short = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
    let yaml_files = ctx
        .editor
        .files
        .iter()
        .filter(|f| !f.starts_with("/proc") && !f.starts_with("/etc"));

    html! {
        <section class="pane editor-pane" id="pane-editor" aria-label={strings.pane_editor}>
            <div class="editor-head">
                <div class="tabs" role="tablist" aria-label={strings.files}>
                    { for yaml_files.map(|f| {
                        let active = *f == ctx.editor.file_name;
                        let onclick = dispatch_on_click(&ctx, Action::OpenFile(f.clone()));
                        html! {
                            <button key={f.clone()} class={classes!("tab", active.then_some("active"))}
                                    role="tab" aria-selected={active.to_string()} title={f.clone()} {onclick}>
                                { short(f) }
                            </button>
                        }
                    }) }
                </div>
                <div class="editor-tools">
                    <span class="assist-tools">
                        <button class="tool" onclick={onundo} aria-label={strings.undo} title={strings.undo}
                                data-testid="editor-undo">{ "↶" }</button>
                        <button class="tool" onclick={onredo} aria-label={strings.redo} title={strings.redo}
                                data-testid="editor-redo">{ "↷" }</button>
                        <button class="tool" onclick={onfind} aria-label={strings.find} title={strings.find}>{ "⌕" }</button>
                        <button class="tool" onclick={onsuggest} aria-label={strings.suggest} title={strings.suggest}
                                data-testid="editor-suggest">{ "{…}" }</button>
                    </span>
                    <select class="templates" aria-label={strings.template_label} onchange={ontemplate}>
                        <option value="" selected=true>{ strings.template_menu }</option>
                        { for TEMPLATES.iter().map(|t| html! { <option value={t.0}>{ t.0 }</option> }) }
                    </select>
                    <button class="save" onclick={onsave} title={strings.save_title}>{ strings.save }</button>
                    <button class="apply" data-testid="editor-apply" onclick={onapply}
                            title={format!("kubectl apply -f {} (Ctrl-Enter)", short(&ctx.editor.file_name))}>
                        { strings.apply }
                    </button>
                </div>
            </div>
            if find.is_some() {
                <FindBar find={find.clone()} view={view.clone()} text={Rc::clone(&ctx.editor.file_text)} />
            }
            <div class="editor-body">
                <div ref={gutter_ref} class="gutter" aria-hidden="true" style={gutter_width(line_count, !bad_lines.is_empty())}>
                    { spacer(start, 0) }
                    { for (start + 1..=end.min(line_count)).map(|n| html! {
                        <div key={n} class={classes!(bad_lines.contains(&n).then_some("bad"))}>{ n }</div>
                    }) }
                    { spacer(line_count.saturating_sub(end) + 1, 0) }
                </div>
                <div class="code-wrap">
                    <pre ref={overlay_ref} class="code highlight" aria-hidden="true">
                        { spacer(start, if end - start < rows { widest } else { 0 }) }
                        { for ctx.editor.file_text.split('\n').enumerate().skip(start).take(end - start).map(|(i, l)| highlight_line(l, bad_lines.contains(&(i + 1)))) }
                        { spacer(rows - end + 1, 0) }
                    </pre>
                    if let Some(f) = find.as_ref().filter(|f| !f.query.is_empty()) {
                        { marks_layer(&ctx.editor.file_text, f, marks_ref.clone(), (start, end)) }
                    }
                    <div ref={view.scroller.clone()} class="code scroller" {onscroll}>
                    { spacer(window.lines.0, 0) }
                    <textarea
                        ref={view.area.clone()}
                        class="code input"
                        data-testid="editor"
                        aria-label={format!("{} {}", strings.editing, ctx.editor.file_name)}
                        aria-describedby="editor-keys editor-diagnostics"
                        aria-autocomplete="list"
                        aria-controls={open.as_ref().map(|_| "editor-completion")}
                        aria-activedescendant={open.as_ref().map(|o| option_id(o.active))}
                        spellcheck="false"
                        autocapitalize="off"
                        wrap="off"
                        style={area_style}
                        data-first-line={window.lines.0.to_string()}
                        value={held.to_string()}
                        {oninput}
                        {onkeydown}
                        {oncopy}
                        {oncut}
                        onkeyup={follow_cursor.reform(|e: KeyboardEvent| e.into())}
                        onclick={follow_cursor.reform(|e: MouseEvent| e.into())}
                        {onblur}
                    />
                    { spacer(rows - window.lines.1, 0) }
                    </div>
                    if let Some(open) = &open {
                        { completion_list(open, strings.completions.into(), list_ref, &onpick) }
                    }
                </div>
            </div>
            <span id="editor-keys" class="visually-hidden">{ strings.editor_keys }</span>
            if let (Some(path), Some(text)) = (&docs_path, &*docs) {
                { docs_panel(path, text, strings.field_docs.into()) }
            }
            <ul class="diagnostics" id="editor-diagnostics" data-testid="editor-diagnostics" aria-live="polite">
                { for diagnostics.iter().map(|d| html! {
                    <li class="diagnostic"><span class="at">{ fill(strings.diagnostic_line, d.line, 0) }</span>{ d.message.clone() }</li>
                }) }
            </ul>
        </section>
    }
}

/// One line of YAML as spans: comment, key, value. Text only; never markup.
fn highlight_line(line: &str, bad: bool) -> Html {
    let class = classes!("hl-line", bad.then_some("bad"));
    let (code, comment) = split_comment(line);
    let indent_len = code.len() - code.trim_start().len();
    let (indent, rest) = code.split_at(indent_len);
    let (dash, rest) = match rest.strip_prefix("- ") {
        Some(r) => ("- ", r),
        None => ("", rest),
    };
    let key_end = rest
        .find(": ")
        .or_else(|| rest.ends_with(':').then(|| rest.len() - 1))
        .filter(|i| !rest[..*i].contains(['"', '\'', '{', '[']));
    let body = match key_end {
        Some(i) => html! {
            <><span class="hl-key">{ &rest[..i] }</span>{ ":" }<span class="hl-value">{ &rest[i + 1..] }</span></>
        },
        None if rest.starts_with("---") => html! { <span class="hl-doc">{ rest }</span> },
        None => html! { <span class="hl-value">{ rest }</span> },
    };
    html! {
        <div {class}>
            { indent }<span class="hl-dash">{ dash }</span>{ body }
            if !comment.is_empty() { <span class="hl-comment">{ comment }</span> }
            { "\u{200b}" }
        </div>
    }
}

/// Splits off a `#` comment that is not inside quotes.
fn split_comment(line: &str) -> (&str, &str) {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if i == 0 || line[..i].ends_with(' ') => return line.split_at(i),
            _ => {}
        }
    }
    (line, "")
}
