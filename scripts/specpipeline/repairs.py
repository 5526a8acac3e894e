"""Repairs of the vendor's defects: general rules, each applied to one fragment at a time.

Every rule takes the fragment's document (mutated in place) and a :class:`RepairContext`; it
records each change it makes with a JSON pointer into the fragment as published, and it
changes nothing on a document that does not have its defect, so repairing a repaired document is a
no-op. A defect that cannot be repaired without guessing raises :class:`SpecError` instead.
"""

from __future__ import annotations

from .repairs_paths import (
    add_missing_response_descriptions,
    declare_path_parameters,
    drop_bodyless_request_bodies,
    reject_malformed_path_items,
    reject_malformed_path_templates,
    reject_unmatched_path_parameters,
)
from .repairs_references import inline_references_into_operations, reject_unresolvable_references
from .repairs_schemas import (
    hoist_misplaced_required,
    keep_nullable_beside_references,
    lower_misplaced_required,
    move_required_out_of_properties,
    reject_invalid_schema_types,
    reject_undefined_required,
)

# The defect repairs, in the order they run: the en-dash bodies go before types are checked.
DEFECT_REPAIRS = (
    reject_malformed_path_items,
    reject_malformed_path_templates,
    reject_unresolvable_references,
    inline_references_into_operations,
    drop_bodyless_request_bodies,
    reject_invalid_schema_types,
    keep_nullable_beside_references,
    move_required_out_of_properties,
    hoist_misplaced_required,
    lower_misplaced_required,
    reject_undefined_required,
    declare_path_parameters,
    reject_unmatched_path_parameters,
    add_missing_response_descriptions,
)
