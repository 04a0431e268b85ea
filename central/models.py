"""The JSON shapes of the contract, as pydantic models: they are the OpenAPI document.

Requests forbid unknown members, so a terminal that misspells a field hears about it instead of
having it silently ignored. The card is described field by field here for the document; its
meaning (13-digit ID, Buddhist-Era dates) is then checked by `kiosk.card.model.Card.from_json`, the
same code the terminal uses.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
BookingId = Annotated[str, StringConstraints(pattern=UUID_PATTERN)]
CidText = Annotated[str, StringConstraints(pattern=r"^[0-9]{13}$")]
Phone = Annotated[str, StringConstraints(pattern=r"^0[0-9]{8,9}$")]
Short = Annotated[str, StringConstraints(max_length=200)]
Channel = Literal["kiosk", "web", "app"]
Condition = Literal[
    "chronic-respiratory",
    "cardiovascular",
    "ckd5",
    "cerebrovascular",
    "cancer",
    "diabetes",
    "obesity",
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NameIn(Strict):
    prefix: Short
    first: Short
    middle: Short
    last: Short


class AddressIn(Strict):
    house_no: Short
    moo: Short
    trok: Short
    soi: Short
    road: Short
    subdistrict: Short
    district: Short
    province: Short


class CardIn(Strict):
    """The card JSON of DESIGN §3 (dates raw Buddhist Era, 00 for an unknown part)."""

    cid: CidText
    name_th: NameIn
    name_en: NameIn
    birth_date_be: Annotated[str, StringConstraints(pattern=r"^[0-9]{8}$")]
    gender: Literal["male", "female"]
    issuer: Short
    issue_date_be: Annotated[str, StringConstraints(pattern=r"^[0-9]{8}$")]
    expiry_date_be: Annotated[str, StringConstraints(pattern=r"^[0-9]{8}$")]
    address: AddressIn


class OccupationIn(Strict):
    code: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    other: Annotated[str, StringConstraints(max_length=100)] | None = None


class AnswersIn(Strict):
    conditions: Annotated[list[Condition], Field(max_length=7)]
    works_in_bangkok: bool | None = None


class DecisionIn(Strict):
    rule_set: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    route: Literal["book", "book-provisional"]
    code: Annotated[str, StringConstraints(min_length=1, max_length=100)]


class LeaseRefIn(Strict):
    """The lease seat a terminal confirmed a booking from while offline (docs/leases.md)."""

    lease_id: Annotated[str, StringConstraints(pattern=UUID_PATTERN)]
    reference: Annotated[str, StringConstraints(min_length=1, max_length=40)]


class BookingIn(Strict):
    """A booking as the customer confirmed it at the terminal.

    `lease` is there when the terminal confirmed it from a seat lease; it is not part of the
    idempotency fingerprint (a terminal adds it beside the sealed box).
    """

    booking_id: BookingId
    channel: Channel
    slot_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    citizen: CardIn
    phone: Phone
    occupation: OccupationIn
    answers: AnswersIn
    decision: DecisionIn
    confirmed_at: AwareDatetime
    lease: LeaseRefIn | None = None


class SealedBox(Strict):
    """`kiosk.sealing.seal` output (X25519 + HKDF-SHA256 + ChaCha20-Poly1305)."""

    v: Literal[1]
    alg: Literal["x25519-hkdf-sha256-chacha20poly1305"]
    kid: Annotated[str, StringConstraints(max_length=64)]
    epk: Annotated[str, StringConstraints(max_length=100)]
    nonce: Annotated[str, StringConstraints(max_length=100)]
    ct: Annotated[str, StringConstraints(max_length=100_000)]


class SealedBookingIn(Strict):
    """A booking replayed from a terminal's journal: the plain body, sealed to the central.

    `sealed` = seal(canonical(plain body), journal-sealing key, aad = "booking:" + booking_id).
    """

    booking_id: BookingId
    sealed: SealedBox
    lease: LeaseRefIn | None = None


class CidIn(Strict):
    cid: CidText


class ChangeIn(Strict):
    """Proof the card is present (`cid`) and what to change."""

    cid: CidText
    slot_id: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    phone: Phone | None = None
    occupation: OccupationIn | None = None


PublicKeyText = Annotated[
    str,
    StringConstraints(max_length=200),
    Field(description="the terminal's Ed25519 public key: base64 of the raw 32 bytes"),
]


class EnrolIn(Strict):
    enrolment_code: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    terminal_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    store: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    public_key: PublicKeyText | None = None


class TerminalKeyIn(Strict):
    public_key: PublicKeyText


LeaseIdText = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class SpentIn(Strict):
    lease_id: LeaseIdText
    reference: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    booking_id: BookingId


class RecentIn(Strict):
    site_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    date: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]


class LeaseRefreshIn(Strict):
    """What the terminal holds and spent, and where its customers went (docs/leases.md)."""

    held: Annotated[list[LeaseIdText], Field(max_length=200)] = []
    spent: Annotated[list[SpentIn], Field(max_length=200)] = []
    recent: Annotated[list[RecentIn], Field(max_length=50)] = []


# --- responses ---------------------------------------------------------------------------------


class SiteOut(BaseModel):
    site_id: str
    name_th: str
    name_en: str
    address_th: str
    address_en: str
    district_th: str
    district_en: str


class SlotOut(BaseModel):
    slot_id: str
    site_id: str
    date: str
    start: str
    end: str
    capacity: int
    available: int


class OccupationOut(BaseModel):
    code: str
    other: str | None


class BookingOut(BaseModel):
    reference: str = Field(examples=["TRJ-7K3M-Q9X4"])
    status: Literal["confirmed", "pending-verification", "cancelled"]
    booking_id: str
    site_id: str
    slot_id: str
    date: str
    start: str
    end: str
    version: int
    site: SiteOut
    channel: Channel
    masked_cid: str
    phone: str
    occupation: OccupationOut
    confirmed_at: str
    created_at: str
    updated_at: str
    cancel_reason: str | None


class RegistryOut(BaseModel):
    registered: bool


class EnrolOut(BaseModel):
    terminal_id: str
    token: str
    store: str


class HoursOut(BaseModel):
    opens: str
    closes: str
    from_: str = Field(alias="from")
    timezone: str


class OccupationOption(BaseModel):
    code: str
    th: str
    en: str
    free_text: bool


class PublicKeyOut(BaseModel):
    alg: str
    kid: str
    public: str


class KeysOut(BaseModel):
    rule_signing: PublicKeyOut
    journal_sealing: PublicKeyOut
    lease_signing: PublicKeyOut


class TerminalKeyOut(BaseModel):
    terminal_id: str
    kid: str


class ConfigOut(BaseModel):
    channels: dict[str, HoursOut]
    timezone: str
    occupations: list[OccupationOption]
    rule_set: str
    sites_version: str
    keys: KeysOut
    server_time: str
    max_confirmed_age_days: int
    clock_skew_seconds: int


class SitesOut(BaseModel):
    version: str
    sites: list[SiteOut]


class SlotsOut(BaseModel):
    site_id: str
    slots: list[SlotOut]


class SignatureOut(BaseModel):
    alg: str
    kid: str
    sig: str


class SignedRuleSetOut(BaseModel):
    document: dict[str, Any]
    signature: SignatureOut


class LeaseDocumentOut(BaseModel):
    lease_id: str
    terminal_id: str
    slot_id: str
    site_id: str
    date: str
    start: str
    end: str
    seats: int
    references: list[str]
    granted_at: str
    use_until: str


class SignedLeaseOut(BaseModel):
    """A lease in the signing envelope of `kiosk.signing` (the central's lease-signing key)."""

    document: LeaseDocumentOut
    signature: SignatureOut


class LeaseRefreshOut(BaseModel):
    leases: list[SignedLeaseOut]
    released: list[str]
    server_time: str
