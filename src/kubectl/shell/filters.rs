pub fn run_filter() {} pub struct FilterResult;
