//! Every UI label in every language. kubectl's output is never translated.
//!
//! One `Strings` table per language: a label missing from a language is a compile error.
//! Components read the current table with [`use_strings`]; the header's switch changes the
//! language through the [`LangHandle`] context.

use yew::prelude::*;

use super::params::Lang;

/// The language in force, settable by the header's switch.
pub type LangHandle = UseStateHandle<Lang>;

/// Declares [`Strings`] and [`Strings::entries`] from one list of fields, so that the
/// test looking for untranslated labels sees every label.
macro_rules! strings_table {
    ($($field:ident),* $(,)?) => {
        pub struct Strings {
            $(pub $field: &'static str,)*
        }

        impl Strings {
            /// Every label of the table with its field name.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($field), self.$field)),*]
            }
        }
    };
}

strings_table!(
    pane_terminal,
    pane_editor,
    pane_cluster,
    pane_why,
    step_button,
    save,
    apply,
    template_menu,
    template_label,
    why_filter,
    lang_name,
    language,
    lesson,
    choose_lesson,
    no_lesson,
    welcome_lead,
    welcome_try,
    welcome_time,
    loading,
    load_failed,
    step_of,
    steps_done,
    try_these,
    chip_title,
    show_hint,
    hint,
    show_solution,
    solution,
    step_done,
    step_waiting,
    previous,
    next,
    finish,
    finished,
    restart,
    embed,
    embed_intro,
    share,
    share_intro,
    copy,
    copied,
    close,
    bad_param,
    bad_share,
    bad_lesson,
    share_too_long,
    why_empty,
    why_filter_label,
    no_pods,
    not_scheduled,
    taint,
    pods_capacity,
    ready_containers,
    old_template,
    newest_template,
    restarts,
    hide_finished,
    hide_finished_title,
    system_pods,
    system_pods_title,
    node_stop,
    node_start,
    pod_completed,
    pod_failed,
    made_by_cronjob,
    panes,
    files,
    save_title,
    editing,
    command,
    completions,
    running_hint,
    terminal_output,
    pause,
    play,
    virtual_time,
    speed,
    step_title,
    step_label,
    timeline,
    virtual_clock,
    crash_title,
    crash_reset,
    // Added in session 7 (UI): every label in both languages.
    diagnostic_line,
    terminal_keys,
    next_run,
    next_run_label,
);

pub const EN: Strings = Strings {
    pane_terminal: "Terminal",
    pane_editor: "Editor",
    pane_cluster: "Cluster",
    pane_why: "Why",
    step_button: "Step ▸|",
    save: "Save",
    apply: "Apply",
    template_menu: "+ template",
    template_label: "New file from a template",
    why_filter: "filter by object",
    lang_name: "English",
    language: "Language",
    lesson: "Lesson",
    choose_lesson: "Choose a lesson",
    no_lesson: "Free play (no lesson)",
    welcome_lead: "Welcome to kubeplay, a Kubernetes cluster that runs in your browser.",
    welcome_try: "Type kubectl version or help in the terminal, edit the manifest, press Apply, and watch the pods appear.",
    welcome_time: "Time is yours: pause it, speed it up, or step through it from the bar at the top.",
    loading: "Loading lessons…",
    load_failed: "Could not load the lesson",
    step_of: "Step {n} of {m}",
    steps_done: "{n} of {m} steps done",
    try_these: "Try these",
    chip_title: "Click to type this into the terminal (press Enter to run it)",
    show_hint: "Show a hint",
    hint: "Hint",
    show_solution: "Show solution",
    solution: "Solution",
    step_done: "Done: every check passes.",
    step_waiting: "Not done yet: the checks run after each command.",
    previous: "Previous",
    next: "Next step",
    finish: "Finish",
    finished: "Lesson complete!",
    restart: "Start over",
    embed: "Embed",
    embed_intro: "Paste this into a blog post to embed this playground:",
    share: "Share",
    share_intro: "This link rebuilds this cluster at this moment:",
    copy: "Copy",
    copied: "Copied",
    close: "Close",
    bad_param: "Ignored URL parameter",
    bad_share: "Could not open the shared state",
    bad_lesson: "Unknown lesson",
    share_too_long: "The session is too long to share as a link",
    why_empty: "What the controllers do, and why, appears here.",
    why_filter_label: "Filter the why log by object name",
    no_pods: "No pods yet. Apply the manifest or run kubectl create.",
    not_scheduled: "not scheduled",
    taint: "taint",
    pods_capacity: "pods / capacity",
    ready_containers: "ready containers",
    old_template: "old template",
    newest_template: "newest template",
    restarts: "restarts",
    hide_finished: "Hide finished pods",
    hide_finished_title: "Leave out the pods whose containers have all stopped (Succeeded or Failed)",
    system_pods: "System pods",
    system_pods_title: "The cluster's own pods, in kube-system, kube-public, kube-node-lease and local-path-storage: CoreDNS, kube-proxy, kindnet, the control plane",
    node_stop: "Stop the kubelet on",
    node_start: "Start the kubelet on",
    pod_completed: "finished: its containers ran to completion",
    pod_failed: "failed: a container exited with an error",
    made_by_cronjob: "The CronJob that created this Job",
    panes: "Panes",
    files: "Files",
    save_title: "Save (Ctrl-S)",
    editing: "Editing",
    command: "Command",
    completions: "Completions",
    running_hint: "running — Ctrl-C stops it",
    terminal_output: "Terminal output",
    pause: "Pause",
    play: "Play",
    virtual_time: "Virtual time",
    speed: "Speed",
    step_title: "Advance to the next event",
    step_label: "Step to the next event",
    timeline: "Timeline: drag to rewind",
    virtual_clock: "Virtual clock",
    crash_title: "kubeplay stopped: something went wrong inside the playground",
    crash_reset: "Reset (clears the saved session and reloads)",
    diagnostic_line: "line {n}",
    terminal_keys: "Tab completes a command; Escape, then Tab, leaves the terminal.",
    next_run: "next: {name} in {in}",
    next_run_label: "Next CronJob run: {name} in {in}, at {at}; Step ▸| goes there",
};

pub const ZH_TW: Strings = Strings {
    pane_terminal: "終端機",
    pane_editor: "編輯器",
    pane_cluster: "叢集",
    pane_why: "為什麼",
    step_button: "下一個事件 ▸|",
    save: "儲存",
    apply: "套用",
    template_menu: "＋ 範本",
    template_label: "從範本建立新檔案",
    why_filter: "依物件篩選",
    lang_name: "繁體中文",
    language: "語言",
    lesson: "課程",
    choose_lesson: "選擇課程",
    no_lesson: "自由練習（不選課程）",
    welcome_lead: "歡迎來到 kubeplay：一個在瀏覽器裡執行的 Kubernetes 叢集。",
    welcome_try:
        "在終端機輸入 kubectl version 或 help，編輯 manifest 後按「套用」，看著 Pod 一個個出現。",
    welcome_time: "時間由你掌控：在上方的時間列暫停、加速或一步一步前進。",
    loading: "正在載入課程…",
    load_failed: "無法載入課程",
    step_of: "第 {n} 步，共 {m} 步",
    steps_done: "已完成 {n} / {m} 步",
    try_these: "試試這些指令",
    chip_title: "點一下會把指令打進終端機（按 Enter 才會執行）",
    show_hint: "顯示提示",
    hint: "提示",
    show_solution: "顯示解答",
    solution: "解答",
    step_done: "完成：所有檢查都通過了。",
    step_waiting: "還沒完成：每個指令執行完都會重新檢查。",
    previous: "上一步",
    next: "下一步",
    finish: "完成",
    finished: "課程完成！",
    restart: "重新開始",
    embed: "嵌入",
    embed_intro: "把這段貼進部落格文章，就能嵌入這個練習場：",
    share: "分享",
    share_intro: "這個連結會重建此刻的叢集：",
    copy: "複製",
    copied: "已複製",
    close: "關閉",
    bad_param: "已忽略網址參數",
    bad_share: "無法開啟分享的狀態",
    bad_lesson: "找不到課程",
    share_too_long: "這段操作太長，無法做成分享連結",
    why_empty: "控制器做了什麼、為什麼這樣做，都會顯示在這裡。",
    why_filter_label: "依物件名稱篩選「為什麼」紀錄",
    no_pods: "還沒有 Pod。套用 manifest，或執行 kubectl create。",
    not_scheduled: "尚未排程",
    taint: "汙點（taint）",
    pods_capacity: "Pod 數 / 容量",
    ready_containers: "已就緒的容器",
    old_template: "舊版 Pod 範本",
    newest_template: "最新版 Pod 範本",
    restarts: "重新啟動次數",
    hide_finished: "隱藏已結束的 Pod",
    hide_finished_title: "不顯示容器都已停止（Succeeded 或 Failed）的 Pod",
    system_pods: "系統 Pod",
    system_pods_title: "叢集自己的 Pod，在 kube-system、kube-public、kube-node-lease 與 local-path-storage：CoreDNS、kube-proxy、kindnet、控制平面",
    node_stop: "停止這個節點的 kubelet：",
    node_start: "啟動這個節點的 kubelet：",
    pod_completed: "已完成：容器已執行完畢",
    pod_failed: "失敗：容器以錯誤結束",
    made_by_cronjob: "建立這個 Job 的 CronJob",
    panes: "窗格",
    files: "檔案",
    save_title: "儲存（Ctrl-S）",
    editing: "正在編輯",
    command: "指令",
    completions: "補全建議",
    running_hint: "執行中，按 Ctrl-C 停止",
    terminal_output: "終端機輸出",
    pause: "暫停",
    play: "播放",
    virtual_time: "虛擬時間",
    speed: "速度",
    step_title: "前進到下一個事件",
    step_label: "跳到下一個事件",
    timeline: "時間軸：拖曳可倒轉",
    virtual_clock: "虛擬時鐘",
    crash_title: "kubeplay 停止了：練習場內部出了問題",
    crash_reset: "重設（清除儲存的操作並重新載入）",
    diagnostic_line: "第 {n} 行",
    terminal_keys: "按 Tab 補全指令；先按 Escape 再按 Tab 可離開終端機。",
    next_run: "下次：{name}，{in}後",
    next_run_label: "CronJob 下一次執行：{name}，{in}後（{at}）；按「下一個事件 ▸|」就到",
};

/// The table of a language.
pub fn strings(lang: Lang) -> &'static Strings {
    match lang {
        Lang::En => &EN,
        Lang::ZhTw => &ZH_TW,
    }
}

/// `{n}` and `{m}` filled in (the only placeholders the tables use).
pub fn fill(template: &str, n: usize, m: usize) -> String {
    template
        .replace("{n}", &n.to_string())
        .replace("{m}", &m.to_string())
}

/// The language in force (English outside a provider).
#[hook]
pub fn use_lang() -> Lang {
    use_context::<LangHandle>().map(|h| *h).unwrap_or_default()
}

/// The labels of the language in force.
#[hook]
pub fn use_strings() -> &'static Strings {
    strings(use_lang())
}
