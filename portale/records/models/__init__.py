"""Systems of record: the stand-in for the operator's back-end ("i sistemi TIM").

The portal reads these through ``portale.records.selectors`` and never writes them for a
customer request: fulfilment applies the effect of a pratica (DESIGN §1).
"""

from .base import Address, Administration, Contract, LegalRepresentative, Referent
from .lines import Line, LineState, Sim, TariffPlan

__all__ = [
    "Address",
    "Administration",
    "Contract",
    "LegalRepresentative",
    "Line",
    "LineState",
    "Referent",
    "Sim",
    "TariffPlan",
]
