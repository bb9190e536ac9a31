//! The lesson panel's part of the state — the lesson being followed and where the learner
//! is in it, the line a command chip typed — and the step checks, which run here, in the
//! reducer, whenever what they look at may have changed.

use std::rc::Rc;

use crate::lessons::check::step_done;
use crate::lessons::Lesson;

use super::State;

/// The lesson panel's and share links' part of the state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TeachState {
    /// The line a chip typed, numbered so that the same chip twice types it again.
    pub prefill: Option<(u64, String)>,
    /// Counts restarts, so that panes know the session was replaced.
    pub epoch: u64,
    /// The lesson being followed, if any.
    pub lesson: Option<LessonRun>,
}

/// Where the learner is in a lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonRun {
    /// The lesson's place in the panel's list (the picker shows it selected).
    pub index: usize,
    pub lesson: Rc<Lesson>,
    /// The step shown.
    pub step: usize,
    /// Per step: whether its checks have held (a step stays done once it is).
    pub done: Vec<bool>,
    /// How many of the shown step's hints are revealed.
    pub hints: usize,
    /// Whether the shown step's solution is revealed.
    pub solution: bool,
    /// The finish screen is shown.
    pub finished: bool,
}

impl LessonRun {
    fn start(index: usize, lesson: Rc<Lesson>) -> Self {
        LessonRun {
            index,
            done: vec![false; lesson.steps.len()],
            lesson,
            step: 0,
            hints: 0,
            solution: false,
            finished: false,
        }
    }
}

/// What the lesson panel asks of the state.
#[derive(Debug, Clone, PartialEq)]
pub enum LessonAction {
    /// Follow the lesson at this place in the panel's list from its first step; `None`
    /// leaves the lesson.
    Start(Option<(usize, Rc<Lesson>)>),
    /// Show another step (Previous, Next).
    Goto(usize),
    /// Reveal one more hint of the shown step.
    MoreHint,
    /// Reveal the shown step's solution.
    ShowSolution,
    /// The last step's Finish button.
    Finish,
}

impl TeachState {
    pub(super) fn apply(&mut self, action: LessonAction) {
        if let LessonAction::Start(start) = action {
            self.lesson = start.map(|(index, lesson)| LessonRun::start(index, lesson));
            return;
        }
        let Some(run) = self.lesson.as_mut() else {
            return;
        };
        match action {
            LessonAction::Start(_) => {}
            LessonAction::Goto(step) => {
                run.step = step;
                run.hints = 0;
                run.solution = false;
                run.finished = false;
            }
            LessonAction::MoreHint => run.hints += 1,
            LessonAction::ShowSolution => run.solution = true,
            LessonAction::Finish => run.finished = true,
        }
    }
}

impl State {
    /// Runs the shown step's checks when what they look at may have changed since
    /// `before`: a command finished (the history grew, the prompt came back), the pods
    /// changed, the session was replaced, or another lesson or step is shown. Not while a
    /// command holds the prompt, and not for a step already done. The pod list changes
    /// at most about ten times a second even while hundreds of pods start (see
    /// `BUSY_REDRAW_MS`), so checks cannot take every frame.
    pub(super) fn check_lesson_step(&mut self, before: &State) {
        let Some(run) = &self.teach.lesson else {
            return;
        };
        if self.terminal.busy || run.done.get(run.step).copied().unwrap_or(true) {
            return;
        }
        let shown = |s: &State| s.teach.lesson.as_ref().map(|r| (r.index, r.step));
        let pods = (&self.cluster.pods, &before.cluster.pods);
        let changed = self.terminal.history.len() != before.terminal.history.len()
            || self.terminal.busy != before.terminal.busy
            || (!Rc::ptr_eq(pods.0, pods.1) && pods.0 != pods.1)
            || self.teach.epoch != before.teach.epoch
            || shown(self) != shown(before);
        if !changed {
            return;
        }
        let Some(step) = run.lesson.steps.get(run.step) else {
            return;
        };
        let passed = {
            let mut session = self.session.borrow_mut();
            let typed = session.history().to_vec();
            step_done(&mut session, &typed, step)
        };
        if let (true, Some(run)) = (passed, self.teach.lesson.as_mut()) {
            run.done[run.step] = true;
        }
    }
}
