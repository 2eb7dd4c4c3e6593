"""Expected HTTP status of every URL for every role: the permission matrix.

``tests/security/test_permission_matrix.py`` walks every URL pattern the resolver knows (except
``admin/``, ``sandbox/`` and static files) and FAILS when a pattern has no entry here, so a new
screen cannot ship without its permissions being written down and tested.

How to add a screen (one dict entry per URL name, in ``MATRIX`` below)::

    "payout-detail": {
        "kwargs": {"pk": "payout.pk"},          # URL kwargs: "<object>.<attribute>" or a literal
        "GET": only(*roles_with("view_finance")),
        "POST": None,                           # None: the URL changes nothing (POST not tested)
    },

* ``kwargs`` builds a concrete URL with ``reverse(name, kwargs=...)``. A string "obj.attr" takes
  the attribute of an object made by the builder ``OBJECTS["obj"]`` (add a builder below when
  your screen needs a new kind of object; builders get the ``World`` and may ask it for other
  objects, e.g. ``world.get("integration")``). Anything else is passed as is.
* ``GET`` and ``POST`` map every role in ``ROLES`` to the expected status. ``only(*roles)``
  gives: anonymous 302 (to the login page), the listed roles ``allowed`` (default 200), every
  other role 403. Pass ``allowed=302`` for a POST that redirects after acting, ``allowed=405``
  for a GET on a POST-only view. Write the dict by hand for public URLs.
* ``POST`` is required for every URL that changes state (the test sends an empty form; an
  allowed role must get the stated status, a role without the permission 403). ``None`` says
  the URL only reads.
* ``data`` (optional): the form the POST sends instead of an empty one.
* A status may be a tuple of acceptable statuses (``/healthz`` is 200 or 503 depending on the
  worker's heartbeat).

Each (URL, role, method) runs in its own test with fresh objects, so a POST that deletes or
changes its object does not affect the next role.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from integration_hub.roles import ADMIN, CX, FINANCE, MERCHANDISING, OPS, ROLE_PERMISSIONS

ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, OPS, FINANCE, CX, MERCHANDISING, ADMIN)


def roles_with(permission: str) -> tuple[str, ...]:
    """The roles whose group holds ``integration_hub.<permission>`` (integration_hub/roles.py)."""
    return tuple(role for role, codenames in ROLE_PERMISSIONS.items() if permission in codenames)


def only(*roles: str, allowed: int = 200, denied: int = 403, anonymous: int = 302) -> dict:
    """Status per role for a logged-in screen that only ``roles`` may use."""
    expected = {role: (allowed if role in roles else denied) for role in ROLES}
    expected[ANONYMOUS] = anonymous
    return expected


def everyone(status: int | tuple[int, ...]) -> dict:
    """The same status for every role, anonymous included (public URLs)."""
    return dict.fromkeys(ROLES, status)


# --- Objects the URLs need ------------------------------------------------------------------


class World:
    """Builds each object once per test, on demand (``world.get("order")``)."""

    def __init__(self) -> None:
        self.made: dict[str, Any] = {}

    def get(self, name: str) -> Any:
        if name not in self.made:
            self.made[name] = OBJECTS[name](self)
        return self.made[name]

    def resolve(self, spec: Any) -> Any:
        """``"order.pk"`` -> the order's pk; anything that is not "obj.attr" is a literal."""
        if isinstance(spec, str) and "." in spec and spec.split(".", 1)[0] in OBJECTS:
            name, attribute = spec.split(".", 1)
            return getattr(self.get(name), attribute)
        return spec


def _integration(world: World):
    from tests.integration_hub.factories import integration_make

    return integration_make("matrix")


def _order(world: World):
    from tests.integration_hub.factories import order_make

    return order_make(world.get("integration"))


def _marketplace_carrier(world: World):
    from integration_hub.models import MarketplaceCarrier

    return MarketplaceCarrier.objects.create(
        integration=world.get("integration"),
        code="RM",
        label="Royal Mail",
        fetched_at=timezone.now(),
    )


def _carrier_mapping(world: World):
    from integration_hub.models import CarrierMapping

    return CarrierMapping.objects.create(
        integration=world.get("integration"),
        source_carrier="Royal Mail",
        carrier=world.get("marketplace_carrier"),
    )


def _exception(world: World):
    from exceptions_queue.services import exception_record

    return exception_record(
        integration=world.get("integration"),
        kind="unmapped_carrier",
        subject_type="dispatch",
        subject_id="matrix-1",
        message="Pigeon Post is not mapped",
    )


def _payout(world: World):
    from reconciliation.models import Payout

    return Payout.objects.create(integration=world.get("integration"), cycle_id="matrix-cycle")


def _transaction_line(world: World):
    from reconciliation.models import TransactionLine

    return TransactionLine.objects.create(
        integration=world.get("integration"),
        line_id="matrix-line",
        type="ORDER_AMOUNT",
        category="order_amount",
        amount="10.00",
        marketplace_order_id="unknown-order",
        match_status="unmatched",
    )


def _reconciliation_action(world: World):
    from django.contrib.auth.models import User

    from reconciliation.models import ReconciliationAction

    line = world.get("transaction_line")
    return ReconciliationAction.objects.create(
        integration=line.integration,
        kind="write_off",
        actor=User.objects.create_user("matrix-action-author"),
        at=timezone.now(),
        line=line,
        reason="matrix",
        data={"previous": {"match_status": "unmatched", "write_off_reason": ""}},
    )


def _category_mapping(world: World):
    from integration_hub.models import CategoryMapping

    return CategoryMapping.objects.create(
        integration=world.get("integration"), source_category="Dresses", marketplace_category="D1"
    )


def _attribute_mapping(world: World):
    from integration_hub.models import AttributeMapping

    return AttributeMapping.objects.create(
        integration=world.get("integration"), marketplace_attribute="title", source_field="name"
    )


def _value_mapping(world: World):
    from integration_hub.models import ValueMapping

    return ValueMapping.objects.create(
        integration=world.get("integration"),
        marketplace_attribute="colour",
        source_value="Navy",
        marketplace_value="blue",
    )


def _product(world: World):
    from integration_hub.models import Product

    return Product.objects.create(integration=world.get("integration"), sku="MATRIX-SKU")


OBJECTS: dict[str, Callable[[World], Any]] = {
    "integration": _integration,
    "product": _product,
    "order": _order,
    "marketplace_carrier": _marketplace_carrier,
    "carrier_mapping": _carrier_mapping,
    "exception": _exception,
    "payout": _payout,
    "transaction_line": _transaction_line,
    "reconciliation_action": _reconciliation_action,
    "category_mapping": _category_mapping,
    "attribute_mapping": _attribute_mapping,
    "value_mapping": _value_mapping,
}

# --- The matrix -----------------------------------------------------------------------------

DASHBOARD = roles_with("view_dashboard")
ORDERS = roles_with("view_orders")
MAPPINGS = roles_with("edit_mappings")
EXCEPTIONS = roles_with("handle_exceptions")
CONFIGURE = roles_with("configure_integrations")
FINANCE_READ = roles_with("view_finance")
RECONCILE = roles_with("reconcile")
FINANCE_EXPORT = roles_with("export_finance")
LISTINGS = roles_with("view_product")


def catalogue_mapping_entries(kind: str, model: str) -> dict[str, dict[str, Any]]:
    """One catalogue mapping editor: list and history (view), add, edit (change), delete."""
    row = {"kwargs": {"pk": f"{model.replace('mapping', '_mapping')}.pk"}}
    return {
        f"catalogue-{kind}": {
            "kwargs": {},
            "GET": only(*roles_with(f"view_{model}")),
            "POST": None,
        },
        f"catalogue-{kind}-history": {
            "kwargs": {},
            "GET": only(*roles_with(f"view_{model}")),
            "POST": None,
        },
        f"catalogue-{kind}-new": {
            "kwargs": {},
            "GET": only(*roles_with(f"add_{model}")),
            "POST": only(*roles_with(f"add_{model}"), allowed=200),  # empty form: shown again
        },
        f"catalogue-{kind}-edit": {
            **row,
            "GET": only(*roles_with(f"change_{model}")),
            "POST": only(*roles_with(f"change_{model}"), allowed=200),
        },
        f"catalogue-{kind}-delete": {
            **row,
            "GET": only(*roles_with(f"delete_{model}")),
            "POST": only(*roles_with(f"delete_{model}"), allowed=302),
        },
    }


MATRIX: dict[str, dict[str, Any]] = {
    # Public: the login page, health for monitoring, webhooks (signed, not logged in).
    "login": {"kwargs": {}, "GET": everyone(200), "POST": everyone(200)},  # POST: form errors
    "logout": {
        "kwargs": {},
        "GET": only(OPS, FINANCE, CX, MERCHANDISING, ADMIN, allowed=405),
        "POST": everyone(302),
    },
    "healthz": {"kwargs": {}, "GET": everyone((200, 503)), "POST": everyone(405)},
    "webhook-receive": {
        "kwargs": {"name": "integration.name"},
        "GET": everyone(405),
        "POST": everyone(401),  # unsigned
    },
    # Screens.
    "dashboard": {"kwargs": {}, "GET": only(*DASHBOARD), "POST": None},
    "integration-list": {"kwargs": {}, "GET": only(*CONFIGURE), "POST": None},
    "integration-detail": {
        "kwargs": {"name": "integration.name"},
        "GET": only(*CONFIGURE),
        "POST": None,
    },
    "order-list": {"kwargs": {}, "GET": only(*ORDERS), "POST": None},
    "order-detail": {"kwargs": {"pk": "order.pk"}, "GET": only(*ORDERS), "POST": None},
    "order-decide": {
        "kwargs": {"pk": "order.pk"},
        "GET": only(*EXCEPTIONS, allowed=405),
        "POST": only(*EXCEPTIONS, allowed=302),
    },
    "carrier-mappings": {"kwargs": {}, "GET": only(*MAPPINGS), "POST": None},
    "carrier-mapping-new": {
        "kwargs": {},
        "GET": only(*MAPPINGS),
        "POST": only(*MAPPINGS, allowed=200),  # empty form: shown again with its errors
    },
    "carrier-mapping-edit": {
        "kwargs": {"pk": "carrier_mapping.pk"},
        "GET": only(*MAPPINGS),
        "POST": only(*MAPPINGS, allowed=200),
    },
    "carrier-mapping-delete": {
        "kwargs": {"pk": "carrier_mapping.pk"},
        "GET": only(*MAPPINGS),
        "POST": only(*MAPPINGS, allowed=302),
    },
    "exception-list": {"kwargs": {}, "GET": only(*DASHBOARD), "POST": None},
    "exception-detail": {"kwargs": {"pk": "exception.pk"}, "GET": only(*DASHBOARD), "POST": None},
    "exception-bulk": {
        "kwargs": {},
        "GET": only(*EXCEPTIONS, allowed=405),
        "POST": only(*EXCEPTIONS, allowed=200),  # empty form: the confirmation page
    },
    "exception-retry": {
        "kwargs": {"pk": "exception.pk"},
        "GET": only(*EXCEPTIONS, allowed=405),
        "POST": only(*EXCEPTIONS, allowed=302),
    },
    "exception-assign": {
        "kwargs": {"pk": "exception.pk"},
        "GET": only(*EXCEPTIONS, allowed=405),
        "POST": only(*EXCEPTIONS, allowed=302),
    },
    "exception-reopen": {
        "kwargs": {"pk": "exception.pk"},
        "GET": only(*EXCEPTIONS, allowed=405),
        "POST": only(*EXCEPTIONS, allowed=302),
    },
    "exception-resolve": {
        "kwargs": {"pk": "exception.pk"},
        "GET": only(*EXCEPTIONS),
        "POST": only(*EXCEPTIONS, allowed=200),  # no note: the form again
    },
    "exception-ignore": {
        "kwargs": {"pk": "exception.pk"},
        "GET": only(*EXCEPTIONS),
        "POST": only(*EXCEPTIONS, allowed=200),
    },
    # Finance reconciliation: read with view_finance, act with reconcile, export_finance.
    "payout-list": {"kwargs": {}, "GET": only(*FINANCE_READ), "POST": None},
    "payout-detail": {"kwargs": {"pk": "payout.pk"}, "GET": only(*FINANCE_READ), "POST": None},
    "reconcile-queue": {"kwargs": {}, "GET": only(*FINANCE_READ), "POST": None},
    "reconcile-order": {"kwargs": {"pk": "order.pk"}, "GET": only(*FINANCE_READ), "POST": None},
    "reconcile-margin": {"kwargs": {}, "GET": only(*FINANCE_READ), "POST": None},
    "reconcile-export": {"kwargs": {}, "GET": only(*FINANCE_EXPORT), "POST": None},
    "reconcile-order-write-off": {
        "kwargs": {"pk": "order.pk"},
        "GET": only(*RECONCILE),
        "POST": only(*RECONCILE, allowed=200),  # no reason: the form again
    },
    "reconcile-line-match": {
        "kwargs": {"pk": "transaction_line.pk"},
        "GET": only(*RECONCILE),
        "POST": only(*RECONCILE, allowed=200),  # no order number: the form again
    },
    "reconcile-line-write-off": {
        "kwargs": {"pk": "transaction_line.pk"},
        "GET": only(*RECONCILE),
        "POST": only(*RECONCILE, allowed=200),
    },
    "reconcile-action-undo": {
        "kwargs": {"pk": "reconciliation_action.pk"},
        "GET": only(*RECONCILE),
        "POST": only(*RECONCILE, allowed=302),  # the reason is optional: undone, back to queue
    },
    "reconcile-import": {
        "kwargs": {},
        "GET": only(*RECONCILE),
        "POST": only(*RECONCILE, allowed=200),  # no file: the form again
    },  # Returns: the list reads with view_orders; the order panel's forms act with
    # handle_exceptions (an empty form is refused with a message and a redirect).
    "return-list": {"kwargs": {}, "GET": only(*ORDERS), "POST": None},
    "returns-order-refund": {
        "kwargs": {"pk": "order.pk"},
        "GET": only(*EXCEPTIONS, allowed=405),
        "POST": only(*EXCEPTIONS, allowed=302),
    },
    "returns-order-cancel": {
        "kwargs": {"pk": "order.pk"},
        "GET": only(*EXCEPTIONS, allowed=405),
        "POST": only(*EXCEPTIONS, allowed=302),
    },
    # Web app screens (issue 10): CX search, SKU map, mapping files and history, integrations.
    "order-search": {"kwargs": {}, "GET": only(*ORDERS), "POST": None},
    "sku-map": {"kwargs": {}, "GET": only(*DASHBOARD), "POST": None},
    "sku-detail": {"kwargs": {"pk": "product.pk"}, "GET": only(*DASHBOARD), "POST": None},
    "sku-edit": {
        "kwargs": {"pk": "product.pk"},
        "GET": only(*MAPPINGS, allowed=405),
        "POST": only(*MAPPINGS, allowed=302),  # empty form: offer SKU = SKU, default buffer
    },
    "sku-import": {
        "kwargs": {},
        "GET": only(*MAPPINGS),
        "POST": only(*MAPPINGS, allowed=200),  # no file: the form again
    },
    "sku-export": {"kwargs": {"name": "integration.name"}, "GET": only(*DASHBOARD), "POST": None},
    "carrier-mapping-history": {"kwargs": {}, "GET": only(*MAPPINGS), "POST": None},
    "carrier-mapping-import": {
        "kwargs": {},
        "GET": only(*MAPPINGS),
        "POST": only(*MAPPINGS, allowed=200),  # no file: the form again
    },
    "carrier-mapping-export": {
        "kwargs": {"name": "integration.name"},
        "GET": only(*MAPPINGS),
        "POST": None,
    },
    "integration-new": {
        "kwargs": {},
        "GET": only(*CONFIGURE),
        "POST": only(*CONFIGURE, allowed=200),  # empty form: shown again with its errors
    },
    "integration-edit": {
        "kwargs": {"name": "integration.name"},
        "GET": only(*CONFIGURE),
        "POST": only(*CONFIGURE, allowed=200),
    },
    "integration-test": {
        "kwargs": {"name": "integration.name"},
        "GET": only(*CONFIGURE, allowed=405),
        "POST": only(*CONFIGURE, allowed=302),  # queued for the worker
    },
    "integration-check-status": {
        "kwargs": {"name": "integration.name"},
        "GET": only(*CONFIGURE),
        "POST": None,
    },
    # Catalogue publishing (issue 21): Listings with view_product, the mapping editors with
    # their models' view/add/change/delete permissions.
    "listings": {"kwargs": {}, "GET": only(*LISTINGS), "POST": None},
    "catalogue-mappings": {
        "kwargs": {},
        "GET": only(*roles_with("view_categorymapping")),
        "POST": None,
    },
    **catalogue_mapping_entries("categories", "categorymapping"),
    **catalogue_mapping_entries("attributes", "attributemapping"),
    **catalogue_mapping_entries("values", "valuemapping"),
}
