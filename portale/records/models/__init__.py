"""Systems of record: the stand-in for the operator's back-end ("i sistemi TIM").

The portal reads these through ``portale.records.selectors`` and never writes them for a
customer request: fulfilment applies the effect of a pratica (DESIGN §1).
"""

from .aggregates import UsageContractMonth, UsageLineMonth
from .base import Address, Administration, Contract, LegalRepresentative, Referent
from .costs import CostCentre
from .dual_billing import DualBilling, DualBillingOption, DualBillingState
from .invoices import Invoice, PaymentState, PersonalInvoice
from .lines import Line, LineState, Sim, TariffPlan
from .reference import NetworkCategory, PriceItem, PriceList, RifProfile, ServicePoint
from .services import ContractService, Device, LineService, ServiceState
from .usage import Bundle, PersonalRecharge, ServiceSms, Threshold, TrafficEvent

__all__ = [
    "Address",
    "Administration",
    "Bundle",
    "Contract",
    "CostCentre",
    "ContractService",
    "Device",
    "DualBilling",
    "DualBillingOption",
    "DualBillingState",
    "Invoice",
    "LegalRepresentative",
    "Line",
    "LineService",
    "LineState",
    "NetworkCategory",
    "PaymentState",
    "PersonalInvoice",
    "PersonalRecharge",
    "PriceItem",
    "PriceList",
    "Referent",
    "RifProfile",
    "ServicePoint",
    "ServiceSms",
    "ServiceState",
    "Sim",
    "TariffPlan",
    "Threshold",
    "TrafficEvent",
    "UsageContractMonth",
    "UsageLineMonth",
]
