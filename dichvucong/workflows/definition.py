"""A workflow as a document (YAML or JSON), checked before it is stored.

The document names states and actions by code::

    code: mot-cua-mac-dinh
    name: Quy trình một cửa mặc định
    default: true
    states:
      - {code: submitted, name: Chờ tiếp nhận, status: receiving, initial: true,
         roles: [reception], time_limit: {amount: 0.5, unit: working_days}}
      ...
    actions:
      - {code: accept, name: Tiếp nhận hồ sơ, from: [submitted], to: assigning,
         roles: [reception], effect: accept}

`to: same` keeps the dossier in the state it is in (an apology changes only the date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.utils.translation import gettext as _

from dichvucong.dossiers.models import DossierStatus

from .models import ACTOR_ROLES, Effect, TimeLimitUnit

SAME = "same"
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
# Effects the engine needs to find once per workflow to work at all.
TERMINAL_STATUSES = frozenset({"done", "denied", "cancelled", "unresolved"})


class DefinitionError(ValueError):
    """The document is not a valid workflow; `errors` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class StateSpec:
    code: str
    name: str
    status: str
    initial: bool
    roles: list[str]
    assignee_only: bool
    time_limit: Decimal | None
    time_limit_unit: str


@dataclass(frozen=True)
class ActionSpec:
    code: str
    name: str
    from_states: list[str]
    to_state: str
    roles: list[str]
    effect: str
    comment_required: bool
    document_required: bool


@dataclass(frozen=True)
class WorkflowSpec:
    code: str
    name: str
    description: str
    default: bool
    states: list[StateSpec] = field(default_factory=list)
    actions: list[ActionSpec] = field(default_factory=list)


def parse_yaml(text: str) -> WorkflowSpec:
    """Parse and check a YAML document; raise DefinitionError with every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        message = _("Tệp YAML không đọc được: %(error)s") % {"error": error}
        raise DefinitionError([message]) from None
    return parse(data)


def _str_list(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    return None


def _parse_state(raw: Any, index: int, errors: list[str]) -> StateSpec | None:
    if not isinstance(raw, dict):
        errors.append(_("Bước thứ %(n)d phải là một bảng khóa - giá trị.") % {"n": index})
        return None
    code = str(raw.get("code", ""))
    label = code or str(index)
    if not CODE_RE.match(code):
        errors.append(
            _("Bước %(state)s: mã chỉ gồm chữ thường không dấu, số, '-' và '_'.") % {"state": label}
        )
    name = str(raw.get("name", "")).strip()
    if not name:
        errors.append(_("Bước %(state)s: thiếu tên.") % {"state": label})
    status = str(raw.get("status", ""))
    if status not in DossierStatus.values or status == DossierStatus.DRAFT:
        errors.append(
            _("Bước %(state)s: trạng thái quốc gia '%(status)s' không hợp lệ.")
            % {"state": label, "status": status}
        )
    roles = _str_list(raw.get("roles"))
    if roles is None:
        errors.append(_("Bước %(state)s: vai trò phải là một danh sách.") % {"state": label})
        roles = []
    for role in roles:
        if role not in ACTOR_ROLES:
            errors.append(
                _("Bước %(state)s: vai trò '%(role)s' không tồn tại.")
                % {"state": label, "role": role}
            )
    time_limit: Decimal | None = None
    unit = TimeLimitUnit.WORKING_DAYS.value
    limit = raw.get("time_limit")
    if limit is not None:
        if not isinstance(limit, dict):
            errors.append(
                _("Bước %(state)s: thời hạn ghi dạng {amount: số, unit: working_days|hours}.")
                % {"state": label}
            )
        else:
            try:
                time_limit = Decimal(str(limit.get("amount")))
            except InvalidOperation:
                time_limit = None
            if time_limit is None or not time_limit.is_finite() or time_limit <= 0:
                errors.append(
                    _("Bước %(state)s: thời hạn phải là một số dương.") % {"state": label}
                )
                time_limit = None
            unit = str(limit.get("unit", unit))
            if unit not in TimeLimitUnit.values:
                errors.append(
                    _("Bước %(state)s: đơn vị thời hạn '%(unit)s' không hợp lệ.")
                    % {"state": label, "unit": unit}
                )
    return StateSpec(
        code=code,
        name=name,
        status=status,
        initial=bool(raw.get("initial", False)),
        roles=roles,
        assignee_only=bool(raw.get("assignee_only", False)),
        time_limit=time_limit,
        time_limit_unit=unit,
    )


def _parse_action(raw: Any, index: int, errors: list[str]) -> ActionSpec | None:
    if not isinstance(raw, dict):
        errors.append(_("Thao tác thứ %(n)d phải là một bảng khóa - giá trị.") % {"n": index})
        return None
    code = str(raw.get("code", ""))
    label = code or str(index)
    if not CODE_RE.match(code):
        errors.append(
            _("Thao tác %(action)s: mã chỉ gồm chữ thường không dấu, số, '-' và '_'.")
            % {"action": label}
        )
    name = str(raw.get("name", "")).strip()
    if not name:
        errors.append(_("Thao tác %(action)s: thiếu tên.") % {"action": label})
    from_states = raw.get("from")
    if isinstance(from_states, str):
        from_states = [from_states]
    from_list = _str_list(from_states)
    if not from_list:
        errors.append(
            _("Thao tác %(action)s: phải nêu ít nhất một bước bắt đầu (from).") % {"action": label}
        )
        from_list = []
    roles = _str_list(raw.get("roles"))
    if not roles:
        errors.append(
            _("Thao tác %(action)s: phải nêu ít nhất một vai trò được thực hiện.")
            % {"action": label}
        )
        roles = []
    for role in roles:
        if role not in ACTOR_ROLES:
            errors.append(
                _("Thao tác %(action)s: vai trò '%(role)s' không tồn tại.")
                % {"action": label, "role": role}
            )
    effect = str(raw.get("effect", Effect.NONE.value))
    if effect not in Effect.values:
        errors.append(
            _("Thao tác %(action)s: tác động '%(effect)s' không tồn tại.")
            % {"action": label, "effect": effect}
        )
    return ActionSpec(
        code=code,
        name=name,
        from_states=from_list,
        to_state=str(raw.get("to", "")),
        roles=roles,
        effect=effect,
        comment_required=bool(raw.get("comment_required", False)),
        document_required=bool(raw.get("document_required", False)),
    )


def parse(data: Any) -> WorkflowSpec:
    """Check a workflow document (already loaded); raise DefinitionError listing problems."""
    if not isinstance(data, dict):
        raise DefinitionError([_("Quy trình phải là một bảng khóa - giá trị.")])
    errors: list[str] = []
    code = str(data.get("code", ""))
    if not CODE_RE.match(code):
        errors.append(_("Mã quy trình chỉ gồm chữ thường không dấu, số, '-' và '_'."))
    name = str(data.get("name", "")).strip()
    if not name:
        errors.append(_("Quy trình phải có tên."))
    raw_states = data.get("states")
    raw_actions = data.get("actions")
    if not isinstance(raw_states, list) or not raw_states:
        errors.append(_("Quy trình phải có danh sách các bước (states)."))
        raw_states = []
    if not isinstance(raw_actions, list) or not raw_actions:
        errors.append(_("Quy trình phải có danh sách các thao tác (actions)."))
        raw_actions = []
    states = [s for i, raw in enumerate(raw_states, 1) if (s := _parse_state(raw, i, errors))]
    actions = [a for i, raw in enumerate(raw_actions, 1) if (a := _parse_action(raw, i, errors))]
    spec = WorkflowSpec(
        code=code,
        name=name,
        description=str(data.get("description", "") or "").strip(),
        default=bool(data.get("default", False)),
        states=states,
        actions=actions,
    )
    errors.extend(graph_errors(spec))
    if errors:
        raise DefinitionError(errors)
    return spec


def graph_errors(spec: WorkflowSpec) -> list[str]:
    """Return what is wrong with the states and actions taken together."""
    errors: list[str] = []
    codes = [state.code for state in spec.states]
    known = set(codes)
    for duplicate in sorted({c for c in codes if codes.count(c) > 1}):
        errors.append(_("Bước %(state)s được khai báo hai lần.") % {"state": duplicate})
    initial = [state.code for state in spec.states if state.initial]
    if len(initial) != 1:
        errors.append(_("Quy trình phải có đúng một bước đầu tiên (initial)."))
    seen_pairs: set[tuple[str, str]] = set()
    edges: dict[str, set[str]] = {code: set() for code in known}
    for action in spec.actions:
        targets_same = action.to_state == SAME
        if not targets_same and action.to_state not in known:
            errors.append(
                _("Thao tác %(action)s: bước đích '%(state)s' không tồn tại.")
                % {"action": action.code, "state": action.to_state}
            )
        for source in action.from_states:
            if source not in known:
                errors.append(
                    _("Thao tác %(action)s: bước bắt đầu '%(state)s' không tồn tại.")
                    % {"action": action.code, "state": source}
                )
                continue
            if (action.code, source) in seen_pairs:
                errors.append(
                    _("Thao tác %(action)s được khai báo hai lần ở bước %(state)s.")
                    % {"action": action.code, "state": source}
                )
            seen_pairs.add((action.code, source))
            target = source if targets_same else action.to_state
            if target in known:
                edges[source].add(target)
    if errors or len(initial) != 1:
        return errors
    # Every state can be reached from the initial one ...
    reached = _closure({initial[0]}, edges)
    for state in spec.states:
        if state.code not in reached:
            errors.append(
                _("Bước %(state)s không thể đến được từ bước đầu tiên.") % {"state": state.code}
            )
    # ... and from every state, some terminal state (one with no way out) can be reached.
    terminal = {code for code, targets in edges.items() if not targets - {code}}
    if not terminal:
        errors.append(_("Quy trình không có bước kết thúc."))
        return errors
    for state in spec.states:
        if not _closure({state.code}, edges) & terminal:
            errors.append(
                _("Từ bước %(state)s không thể đi đến bước kết thúc nào.") % {"state": state.code}
            )
    for state in spec.states:
        if state.code in terminal and state.status not in TERMINAL_STATUSES:
            errors.append(
                _(
                    "Bước kết thúc %(state)s phải mang trạng thái đã trả kết quả, không được "
                    "tiếp nhận, rút hồ sơ hoặc dừng xử lý."
                )
                % {"state": state.code}
            )
    return errors


def _closure(start: set[str], edges: dict[str, set[str]]) -> set[str]:
    reached = set(start)
    frontier = list(start)
    while frontier:
        for target in edges.get(frontier.pop(), ()):
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    return reached


def dump_yaml(data: dict[str, Any]) -> str:
    """Return a workflow document as YAML, keys in the order they were given."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
