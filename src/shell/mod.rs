//! The terminal's shell language, its text utilities and its files.
//!
//! - [`parse`] turns typed or pasted lines into a [`Script`]; [`needs_more_input`] tells
//!   the terminal to show the `> ` continuation prompt instead.
//! - [`expand_words`] and friends turn unexpanded [`Word`]s into argument strings using an
//!   [`Env`] the executor provides (variables, `$(...)`).
//! - [`run_filter`] runs the text utilities (`grep`, `head`, `wc`, `ls`, `cat`, ...) on
//!   a string stdin and the [`Vfs`].
//!
//! Nothing here knows about kubectl or the cluster; the executor walks the [`Script`].

pub mod ast;
pub mod exec;
pub mod expand;
pub mod output;
pub mod parser;
pub mod regex;
pub mod utilities;
pub mod vfs;

pub use ast::{
    AndOrList, Assignment, Command, Connector, ForLoop, Heredoc, Pipeline, RedirOp, Redirect,
    Script, SimpleCommand, Word, WordPart,
};
pub use exec::{Host, Job, Shell};
pub use expand::{
    expand_alias, expand_heredoc, expand_redirect_target, expand_word, expand_words, Env,
    ExpandError,
};
pub use output::{OutLine, Output, Stream};
pub use parser::{is_name, needs_more_input, parse, SyntaxError};
pub use utilities::{echo, run_filter, FilterResult};
pub use vfs::{Vfs, VfsError};

#[cfg(test)]
mod tests;
