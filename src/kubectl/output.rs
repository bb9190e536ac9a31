//! kubectl's `checkErr`: how a failed command's message reaches stderr — with `error: `
//! in front unless it already reads as kubectl prints it (a server error, a usage error).

use crate::engine::errors::is_from_server;
use crate::shell::Output;

/// Failing the way kubectl fails; the shell's [`Output`] knows nothing of kubectl.
pub trait CheckErr {
    /// `error: …` on stderr with exit status 1.
    fn fail(&mut self, message: impl AsRef<str>);

    /// An output that only fails with `message`.
    fn failed(message: impl AsRef<str>) -> Self;
}

impl CheckErr for Output {
    fn fail(&mut self, message: impl AsRef<str>) {
        let m = message.as_ref();
        if m.starts_with("error: ") || is_from_server(m) || m.starts_with("The ") {
            self.err(m);
        } else {
            self.err(format!("error: {m}"));
        }
        self.status = 1;
    }

    fn failed(message: impl AsRef<str>) -> Output {
        let mut o = Output::default();
        o.fail(message);
        o
    }
}
