//! Every UI label in every language. kubectl's output is never translated.
//!
//! One `Strings` table per language: a label missing from a language is a compile error.
//! Components read the current table with [`use_strings`]; the header's switch changes the
//! language through the [`LangHandle`] context.

use yew::prelude::*;

use super::params::Lang;

/// The language in force, settable by the header's switch.
pub type LangHandle = UseStateHandle<Lang>;

pub struct Strings {
    pub pane_terminal: &'static str,
    pub pane_editor: &'static str,
    pub pane_cluster: &'static str,
    pub pane_why: &'static str,
    pub step_button: &'static str,
    pub save: &'static str,
    pub apply: &'static str,
    pub template_menu: &'static str,
    pub template_label: &'static str,
    pub why_filter: &'static str,
    pub lang_name: &'static str,
    pub language: &'static str,
    pub lesson: &'static str,
    pub choose_lesson: &'static str,
    pub no_lesson: &'static str,
    pub welcome_lead: &'static str,
    pub welcome_try: &'static str,
    pub welcome_time: &'static str,
    pub loading: &'static str,
    pub load_failed: &'static str,
    pub step_of: &'static str,
    pub steps_done: &'static str,
    pub try_these: &'static str,
    pub chip_title: &'static str,
    pub show_hint: &'static str,
    pub hint: &'static str,
    pub show_solution: &'static str,
    pub solution: &'static str,
    pub step_done: &'static str,
    pub step_waiting: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub finish: &'static str,
    pub finished: &'static str,
    pub restart: &'static str,
    pub embed: &'static str,
    pub embed_intro: &'static str,
    pub share: &'static str,
    pub share_intro: &'static str,
    pub copy: &'static str,
    pub copied: &'static str,
    pub close: &'static str,
    pub bad_param: &'static str,
    pub bad_share: &'static str,
    pub bad_lesson: &'static str,
    pub share_too_long: &'static str,
}

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
