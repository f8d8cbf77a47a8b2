//! Static HTML report.
use crate::report::Report;
/// The report as a page.
pub fn render(report: &Report) -> String {
    crate::text::render(report)
}
