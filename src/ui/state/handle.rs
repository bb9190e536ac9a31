//! The session behind a handle that compares by identity.

use std::cell::RefCell;
use std::ops::Deref;
use std::rc::Rc;

use crate::kubectl::session::Session;

/// The live session, shared by every copy of the state. A `Session` holds the whole
/// cluster and is not `Clone`, so states share one and compare it by identity: two states
/// show the same session exactly when they hold the same handle (a rewind or a restart
/// makes a new one). The reducer is its only writer.
#[derive(Clone)]
pub struct SessionHandle(Rc<RefCell<Session>>);

impl SessionHandle {
    /// The page's session: a `kubectl apply -f` writes a few documents per task
    /// (`Action::DrainQueue`), so a large manifest never holds the page.
    pub fn new(mut session: Session) -> Self {
        session.slice_writes(true);
        SessionHandle(Rc::new(RefCell::new(session)))
    }

    /// A number that names this session as long as it lives (the cluster view's lists
    /// record which session they were copied from).
    pub fn id(&self) -> usize {
        Rc::as_ptr(&self.0) as usize
    }
}

impl PartialEq for SessionHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Deref for SessionHandle {
    type Target = RefCell<Session>;

    fn deref(&self) -> &RefCell<Session> {
        &self.0
    }
}
