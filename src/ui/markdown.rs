//! A tiny, safe Markdown renderer for lesson texts: paragraphs, lists, fenced code,
//! headings, `code`, **bold**, *italic* and http(s) links. There is no raw HTML: every
//! character of the source ends up as text in a Yew node, so `<script>` shows as text.

use yew::prelude::*;

/// Lesson texts are capped well below this; longer ones are cut rather than rendered slowly.
const MAX_CHARS: usize = 64 * 1024;

/// Renders Markdown `src` as Yew nodes.
pub fn render(src: &str) -> Html {
    let src: String = src.chars().take(MAX_CHARS).collect();
    let mut blocks: Vec<Html> = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let mut ordered = false;
    let mut code: Option<Vec<&str>> = None;

    fn flush(blocks: &mut Vec<Html>, para: &mut Vec<&str>, list: &mut Vec<String>, ordered: bool) {
        if !para.is_empty() {
            blocks.push(html! { <p>{ inline(&para.join("\n")) }</p> });
            para.clear();
        }
        if !list.is_empty() {
            let items = list.iter().map(|i| html! { <li>{ inline(i) }</li> });
            blocks.push(if ordered {
                html! { <ol>{ for items }</ol> }
            } else {
                html! { <ul>{ for items }</ul> }
            });
            list.clear();
        }
    }

    for line in src.lines() {
        if let Some(lines) = code.as_mut() {
            if line.trim_start().starts_with("```") {
                let text = lines.join("\n");
                blocks.push(html! { <pre class="md-code"><code>{ text }</code></pre> });
                code = None;
            } else {
                lines.push(line);
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            flush(&mut blocks, &mut para, &mut list, ordered);
            code = Some(Vec::new());
        } else if trimmed.is_empty() {
            flush(&mut blocks, &mut para, &mut list, ordered);
        } else if let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            if !para.is_empty() || ordered {
                flush(&mut blocks, &mut para, &mut list, ordered);
            }
            ordered = false;
            list.push(item.to_string());
        } else if let Some(item) = ordered_item(trimmed) {
            if !para.is_empty() || (!ordered && !list.is_empty()) {
                flush(&mut blocks, &mut para, &mut list, ordered);
            }
            ordered = true;
            list.push(item.to_string());
        } else if let Some(h) = trimmed.strip_prefix("#") {
            flush(&mut blocks, &mut para, &mut list, ordered);
            let h = h.trim_start_matches('#').trim();
            blocks.push(html! { <h4 class="md-heading">{ inline(h) }</h4> });
        } else if !list.is_empty() && line.starts_with(' ') {
            // A continuation line of the last list item.
            if let Some(last) = list.last_mut() {
                last.push('\n');
                last.push_str(trimmed);
            }
        } else {
            if !list.is_empty() {
                flush(&mut blocks, &mut para, &mut list, ordered);
            }
            para.push(trimmed);
        }
    }
    if let Some(lines) = code {
        let text = lines.join("\n");
        blocks.push(html! { <pre class="md-code"><code>{ text }</code></pre> });
    }
    flush(&mut blocks, &mut para, &mut list, ordered);
    html! { <div class="md">{ for blocks }</div> }
}

/// `1. item` → `item`.
fn ordered_item(line: &str) -> Option<&str> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    line[digits..].strip_prefix(". ")
}

/// Inline spans: `code`, **bold**, *italic*, [text](http…). Unclosed markers are text.
pub fn inline(src: &str) -> Html {
    let mut out: Vec<Html> = Vec::new();
    let mut text = String::new();
    let mut rest = src;
    while let Some(c) = rest.chars().next() {
        let span = match c {
            '`' => delimited(rest, "`")
                .map(|(inner, after)| (html! { <code>{ inner.to_string() }</code> }, after)),
            '*' if rest.starts_with("**") => delimited(rest, "**")
                .map(|(inner, after)| (html! { <strong>{ inline(inner) }</strong> }, after)),
            '*' | '_' => delimited(rest, if c == '*' { "*" } else { "_" })
                .filter(|(inner, _)| !inner.starts_with(' '))
                .map(|(inner, after)| (html! { <em>{ inline(inner) }</em> }, after)),
            '[' => link(rest),
            _ => None,
        };
        match span {
            Some((node, after)) => {
                if !text.is_empty() {
                    out.push(html! { { std::mem::take(&mut text) } });
                }
                out.push(node);
                rest = after;
            }
            None => {
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !text.is_empty() {
        out.push(html! { { text } });
    }
    html! { <>{ for out }</> }
}

/// `marker inner marker rest` → (inner, rest), when `inner` is non-empty.
fn delimited<'a>(s: &'a str, marker: &str) -> Option<(&'a str, &'a str)> {
    let body = s.strip_prefix(marker)?;
    let end = body.find(marker)?;
    (end > 0).then(|| (&body[..end], &body[end + marker.len()..]))
}

/// `[text](url)`: a link when the URL is http(s), else the text alone.
fn link(s: &str) -> Option<(Html, &str)> {
    let close = s.find("](")?;
    let label = &s[1..close];
    let after = &s[close + 2..];
    let end = after.find(')')?;
    let url = after[..end].trim();
    let rest = &after[end + 1..];
    let safe = url.starts_with("https://") || url.starts_with("http://");
    let node = if safe {
        html! {
            <a href={url.to_string()} target="_blank" rel="noopener noreferrer">{ inline(label) }</a>
        }
    } else {
        inline(label)
    };
    Some((node, rest))
}
