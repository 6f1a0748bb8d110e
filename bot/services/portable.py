"""Groups as portable YAML: ``groupbot export`` and ``groupbot import``."""

from __future__ import annotations

from bot.errors import Forbidden, NotFound
from bot.services.groups import GroupUseCases, replace_with
from bot.services.types import Actor, SaveResult
from bot.storage.portable_groups import export_groups, parse_portable_groups


class PortableUseCases(GroupUseCases):
    def export_groups(self, team_id: str) -> str:
        """Every group as portable YAML: members by email, targets by name."""
        with self._uow() as uow:
            account = self._account(uow, team_id)
            return export_groups(
                [(g.group, sorted(g.leads)) for g in uow.groups.stored(account)],
                uow.directory.load(account),
                {u.pbx_id: u.email for u in uow.directory.users(account)},
            )

    def import_groups(self, actor: Actor, text: str, *, source: str = "file") -> list[SaveResult]:
        """Create or replace groups from portable YAML (admins only), one save each;
        ``source`` names the file in a syntax error."""
        if not actor.is_admin:
            raise Forbidden("Only workspace admins can import groups.")
        with self._uow() as uow:
            account = self._account(uow, actor.team_id)
            emails = {u.email: u.pbx_id for u in uow.directory.users(account) if u.email}
            entries = parse_portable_groups(text, uow.directory.load(account), emails, source)
        results = []
        for group, leads in entries:
            try:
                existing = self.get_group(actor.team_id, group.name)
            except NotFound:
                result = self.create_group(actor, group)
            else:
                result = self._change(
                    actor,
                    existing.group.name,
                    replace_with(group),
                    existing.version,
                    label="imported",
                )
            if leads:
                self.set_leads(actor, group.name, frozenset(leads))
            results.append(result)
        return results
