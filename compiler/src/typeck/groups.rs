//! Named groups of conditions (`groupe de conditions NOM`) and their use in dispositifs
//! (`conditions NOM`).
//!
//! A group is expanded where it is used: each of its conditions becomes a condition of the
//! dispositif, with its own name (the motif id), message and sources. The conditions are
//! typed once, outside any dispositif (they cannot name a dispositif's items), and the typed
//! condition is copied into every dispositif that uses the group, so that an error in a
//! group is reported once.

use socle_grammar::ast::{ConditionDecl, DeclKind, DispositifItem, DispositifItemKind, GroupDecl};
use socle_grammar::ast::{Decl, Ident};

use super::*;
use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::typed::Named;

/// The conditions of a group: (file of the group, item, condition).
pub(super) type GroupConditions<'a> = Vec<(FileId, &'a DispositifItem, &'a ConditionDecl)>;

/// The conditions of a group declaration, in order.
pub(super) fn conditions_of(
    file: FileId,
    g: &GroupDecl,
) -> impl Iterator<Item = (FileId, &DispositifItem, &ConditionDecl)> {
    g.items.iter().filter_map(move |item| match &item.kind {
        DispositifItemKind::Condition(c) => Some((file, item, c)),
        _ => None,
    })
}

impl<'a> Ctx<'a> {
    /// The group declaration named `name`, if there is one (no diagnostic).
    fn group_decl(&self, name: &str) -> Option<(FileId, &'a GroupDecl)> {
        let (file, decl) = self.decls.get(name)?;
        match &decl.kind {
            DeclKind::Group(g) => Some((*file, g)),
            _ => None,
        }
    }

    /// Makes the conditions of the groups a dispositif uses visible by name in it, as its
    /// own conditions are.
    pub(super) fn collect_group_conditions(&mut self, decls: &[(FileId, &'a Decl)]) {
        for (_, decl) in decls {
            let DeclKind::Dispositif(d) = &decl.kind else {
                continue;
            };
            let mut names = Vec::new();
            for item in &d.items {
                if let DispositifItemKind::UseGroup(g) = &item.kind {
                    if let Some((file, group)) = self.group_decl(&g.name) {
                        names.extend(
                            conditions_of(file, group).map(|(_, _, c)| c.name.name.clone()),
                        );
                    }
                }
            }
            if let Some(items) = self.local_dispositifs.get_mut(&d.name.name) {
                for n in names {
                    items.entry(n).or_insert(ValueKind::Condition);
                }
            }
        }
    }

    /// The conditions `conditions NAME` brings into a dispositif; reports an unknown name
    /// or a name that is not a group.
    pub(super) fn use_group(&mut self, file: FileId, name: &Ident) -> GroupConditions<'a> {
        if let Some((gfile, group)) = self.group_decl(&name.name) {
            self.record(file, name.span, Named::Top(self.qname(&name.name)));
            return conditions_of(gfile, group).collect();
        }
        if let Some(t) = self.target(None, &name.name) {
            let what = call::describe(&t);
            self.err(
                codes::WRONG_KIND,
                file,
                name.span,
                messages::not_a_group(&name.name, what),
            );
            return Vec::new();
        }
        let groups: Vec<&str> = self
            .decls
            .iter()
            .filter(|(_, (_, d))| matches!(d.kind, DeclKind::Group(_)))
            .map(|(n, _)| n.as_str())
            .collect();
        let d = Diagnostic::error(
            codes::UNKNOWN_NAME,
            file,
            name.span,
            messages::unknown_group(&name.name),
        )
        .with_suggestion(&name.name, groups.into_iter());
        self.push(d);
        Vec::new()
    }

    /// The groups no dispositif uses, with their conditions: they are typed on their own so
    /// that their errors are reported all the same. In a ruleset with dispositifs, an unused
    /// group is W0501, like any unused definition.
    pub(super) fn unused_groups(
        &mut self,
        decls: &[(FileId, &'a Decl)],
        used: &std::collections::HashSet<String>,
    ) -> GroupConditions<'a> {
        let has_dispositif = decls
            .iter()
            .any(|(_, d)| matches!(d.kind, DeclKind::Dispositif(_)));
        for (file, decl) in decls {
            if let DeclKind::Group(g) = &decl.kind {
                if has_dispositif && !used.contains(&g.name.name) {
                    self.push(Diagnostic::warning(
                        codes::UNUSED,
                        *file,
                        g.name.span,
                        messages::unused_group(&g.name.name),
                    ));
                }
            }
        }
        decls
            .iter()
            .filter_map(|(file, decl)| match &decl.kind {
                DeclKind::Group(g) if !used.contains(&g.name.name) => Some((*file, g)),
                _ => None,
            })
            .flat_map(|(file, g)| conditions_of(file, g))
            .collect()
    }
}
