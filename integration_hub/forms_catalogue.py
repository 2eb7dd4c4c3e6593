"""Forms of the catalogue mapping editors (issue 21).

Every code is checked against the integration's pulled marketplace structure (H11, PM11,
VL11) with the rules of the mapping file imports: an unknown category, attribute or value
code is refused with a clear message, and nothing is saved before the structure was pulled.
Codes are typed (with suggestions from a ``<datalist>``, so the forms work without
JavaScript) and shown next to the form with their labels.
"""

from __future__ import annotations

from django import forms

from integration_hub.flows.listing_rules import AttributeSpec, CatalogueStructure, structure_for
from integration_hub.models import AttributeMapping, CategoryMapping, Integration, ValueMapping
from integration_hub.services.catalogue_mapping_rules import (
    SCREEN_WORDING,
    attribute_problem,
    attribute_target,
    category_problem,
    default_problem,
    hub_filled_problem,
    list_specs,
    mapping_key,
    not_a_list_problem,
    specs_by_code,
    value_code,
    value_not_listed_problem,
)

PICK = ": pick a code from the list."
SUGGESTED = (
    "source_category",
    "marketplace_category",
    "marketplace_attribute",
    "source_field",
    "source_value",
    "marketplace_value",
)
NOT_PULLED = (
    "The marketplace's catalogue structure has not been pulled for this integration yet: run "
    "`hub sync catalogue` first (its categories and attributes are what a mapping points to)."
)


class CatalogueMappingForm(forms.ModelForm):
    """Common part: the integration (fixed once a row exists) and its structure."""

    def __init__(self, *args, integration: Integration | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["integration"].queryset = Integration.objects.all()
        self.fields["integration"].empty_label = None
        if self.instance.pk:
            self.fields["integration"].disabled = True
        elif integration is not None:
            self.initial.setdefault("integration", integration.pk)
        for name, field in self.fields.items():
            if name in SUGGESTED:  # the page renders a <datalist> of choices for these
                field.widget.attrs.update(list=f"{name}-choices", autocomplete="off")
        self.structure: CatalogueStructure | None = None

    def clean(self):
        data = super().clean()
        integration = data.get("integration")
        if integration is None:
            return data
        self.structure = structure_for(integration)
        if not self.structure.pulled:
            raise forms.ValidationError(NOT_PULLED)
        self.codes_check(data, self.structure)
        return data

    def codes_check(self, data: dict, structure: CatalogueStructure) -> None:
        """Each kind adds its errors to the fields its codes came from."""
        raise NotImplementedError(type(self).__name__)

    def siblings(self):
        """The integration's other rows of this kind (for the case-insensitive duplicates)."""
        rows = type(self.instance).objects.filter(integration=self.cleaned_data["integration"])
        return rows.exclude(pk=self.instance.pk) if self.instance.pk else rows


class CategoryMappingForm(CatalogueMappingForm):
    class Meta:
        model = CategoryMapping
        fields = ["integration", "source_category", "marketplace_category"]
        labels = {"marketplace_category": "Marketplace category code"}
        help_texts = {
            "source_category": "A category name as the source has it, or its full path joined "
            "with ' / '. Matched ignoring case.",
            "marketplace_category": "A category code from the list below (H11).",
        }

    def codes_check(self, data: dict, structure: CatalogueStructure) -> None:
        code, source = data.get("marketplace_category", ""), data.get("source_category", "")
        if code and (why := category_problem(structure, code, wording=SCREEN_WORDING)):
            self.add_error("marketplace_category", why + PICK)
        taken = [
            m for m in self.siblings() if mapping_key(m.source_category) == mapping_key(source)
        ]
        if source and taken:
            self.add_error(
                "source_category",
                f"{taken[0].source_category!r} is already mapped (to "
                f"{taken[0].marketplace_category}): edit that row instead.",
            )


class AttributeMappingForm(CatalogueMappingForm):
    class Meta:
        model = AttributeMapping
        fields = [
            "integration",
            "marketplace_attribute",
            "marketplace_category",
            "source_field",
            "default",
        ]
        labels = {
            "marketplace_attribute": "Marketplace attribute code",
            "marketplace_category": "Only in marketplace category",
        }
        help_texts = {
            "marketplace_attribute": "An attribute code of the marketplace (PM11).",
            "marketplace_category": "Empty: every category. A row for one category wins over "
            "the row for every category.",
            "source_field": "The source's own field name (e.g. name, color, option:Size, "
            "metafield:custom.fabric); name[2] takes the second of several values.",
            "default": "Sent when the source field is empty (or without a source field).",
        }

    def codes_check(self, data: dict, structure: CatalogueStructure) -> None:
        code, category = data.get("marketplace_attribute", ""), data.get("marketplace_category")
        if not data.get("source_field") and not data.get("default"):
            self.add_error("source_field", "Give a source field, a default, or both.")
        if category and (why := category_problem(structure, category, wording=SCREEN_WORDING)):
            self.add_error("marketplace_category", f"{why}.")
            return
        if not code:
            return
        specs, why = _attribute_target(code, category or "", structure)
        if why:
            self.add_error("marketplace_attribute", why)
        elif data.get("default") and (
            why := default_problem(data["default"], specs, structure, wording=SCREEN_WORDING)
        ):
            self.add_error("default", why)


def _attribute_target(
    code: str, category: str, structure: CatalogueStructure
) -> tuple[list[AttributeSpec], str]:
    """(the PM11 rows a mapping of ``code`` in ``category`` ("" = every one) feeds, or the
    reason it cannot be mapped)."""
    index = specs_by_code(structure)
    if why := attribute_problem(code, index.get(code, []), wording=SCREEN_WORDING):
        return [], why + PICK
    if why := hub_filled_problem(structure, code, wording=SCREEN_WORDING):
        return [], why
    return attribute_target(structure, index, code, category, wording=SCREEN_WORDING)


class ValueMappingForm(CatalogueMappingForm):
    class Meta:
        model = ValueMapping
        fields = ["integration", "marketplace_attribute", "source_value", "marketplace_value"]
        labels = {
            "marketplace_attribute": "Marketplace attribute code (a LIST attribute)",
            "marketplace_value": "Marketplace value code",
        }
        help_texts = {
            "source_value": "The value as the source has it (for a select: its label). "
            "Matched ignoring case.",
            "marketplace_value": "A code of the attribute's value list (VL11); its label is "
            "accepted too and stored as the code.",
        }

    def codes_check(self, data: dict, structure: CatalogueStructure) -> None:
        code = data.get("marketplace_attribute", "")
        specs = specs_by_code(structure).get(code, [])  # DISABLED ones too
        lists = sorted({spec.values_list for spec in list_specs(specs) if spec.values_list})
        if code and (why := attribute_problem(code, specs, wording=SCREEN_WORDING)):
            self.add_error("marketplace_attribute", why + PICK)
        elif code and (why := not_a_list_problem(code, specs, lists, wording=SCREEN_WORDING)):
            self.add_error("marketplace_attribute", why)
        elif code:
            self._value_check(data, structure, lists)
        source = data.get("source_value", "")
        taken = [
            m
            for m in self.siblings().filter(marketplace_attribute=code)
            if mapping_key(m.source_value) == mapping_key(source)
        ]
        if source and taken:
            self.add_error(
                "source_value",
                f"{taken[0].source_value!r} is already mapped for {code} (to "
                f"{taken[0].marketplace_value}): edit that row instead.",
            )

    def _value_check(self, data: dict, structure: CatalogueStructure, lists: list[str]) -> None:
        value = data.get("marketplace_value", "")
        if not value:
            return
        if found := value_code(structure, lists, value):
            data["marketplace_value"] = found
            return
        code = data["marketplace_attribute"]
        why = value_not_listed_problem(code, value, lists, wording=SCREEN_WORDING)
        self.add_error("marketplace_value", why + PICK)


MAPPING_FORMS: dict[str, type[CatalogueMappingForm]] = {
    "categories": CategoryMappingForm,
    "attributes": AttributeMappingForm,
    "values": ValueMappingForm,
}
