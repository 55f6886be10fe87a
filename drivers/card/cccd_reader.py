"""One module: one read's steps (open, select, read, verify) share the session and its Le policy.
Reading a CCCD chip: from a Transport and the holder's ID number to verified chip data.

Keys come from the 12-digit ID (PACE-CAN: its last 6 digits; BAC: its last 9 digits with the
birth date and expiry candidates, REFERENCE.md §2). The read is built for few round trips:
the application is selected once, files are read by short EF identifier (no SELECT per
file) with the largest Le the cipher allows, and only COM, DG1, DG13 and SOD (DG2 on
request; DG15, and DG14 for an EC key, for active authentication). Every file, EF.CardAccess
included, is read to the length its TLV header gives, whatever each answer holds. A file's
first read asks for a whole chunk, which most chips answer with what the file holds (9000,
or 6282: end of file reached, the data valid); 6Cxx is asked again with the Le it names.
A 6700 is told apart: within a file it is a cap on Le (the ladder steps down and the cap
is kept for later files); on a first read above 0xDF the next step down is tried first (a
cap is likely); otherwise the file comes header first, and when it proves shorter than
the refused Le, every file does from then on (the chip refuses reads past the end). A PACE
chip is opened with PACE: an EF.CardAccess that cannot be read whole is an error unless
BAC is possible (then tried, with a warning). When the reader and the card both take
extended length (the reader's PC/SC properties or the configuration; the card's ATR or
EF.ATR/INFO), each file comes in one READ BINARY. Every read has one deadline; a lost
secure-messaging session is re-opened once and the file resumed at its offset; every
failure is a CardError whose `problem` the flow can act on.

Checks, in order: passive authentication (FAILED: forged), the ID the keys came from,
then active authentication when the chip has DG15 (FAILED: a cloned chip, forged too).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from drivers.card import active_auth, bac, pace, tlv
from drivers.card.active_auth import ActiveAuthKeyError, ActiveAuthStatus, UnsupportedKeyError
from drivers.card.apdu import (
    CommandApdu,
    ResponseApdu,
    SecureMessagingStatusError,
    StatusError,
    StatusWord,
    Transport,
    exchange,
    status_error,
)
from drivers.card.bac import check_digit
from drivers.card.citizen import citizen_record
from drivers.card.dg13 import CitizenRecord
from drivers.card.errors import (
    AccessControlError,
    CardError,
    CardProblem,
    EmrtdError,
    LdsError,
    SecureMessagingError,
    SodError,
    TlvError,
    UnsupportedError,
)
from drivers.card.extended_length import (
    EF_ATR_INFO_SFI,
    CardSays,
    card_says,
    max_plaintext,
    parse_atr_info,
)
from drivers.card.lds import COM_FILE_ID, SOD_FILE_ID, Mrz, data_group_file_id, parse_com, parse_dg1
from drivers.card.passive_auth import CscaStore, PassiveAuthResult, PassiveAuthStatus, verify
from drivers.card.sm import SecureChannel
from drivers.card.sod import parse_sod

logger = logging.getLogger(__name__)

EMRTD_AID = bytes.fromhex("A0000002471001")
EF_CARD_ACCESS = 0x011C
EF_CARD_ACCESS_SFI = EF_CARD_ACCESS & 0x1F
HEADER_SIZE = 4  # tag (1 byte for every LDS file) + length up to 82 xx xx
EXTENDED_WHOLE_FILE = 65536  # extended Le 0000: as much as the file holds
# Largest plaintext of one short READ BINARY under secure messaging (REFERENCE.md §2).
MAX_LE_TDES = 231
MAX_LE_AES = 223
# Le steps after a chip refused a larger Le (6700): the short maximum, the largest plaintexts
# of one short protected answer (3DES 0xE7, AES 0xDF: the caps chips commonly have), smaller.
LE_LADDER = (256, 0xE7, 0xDF, 192, 160, 128, 96, 64, 32)
# A first read refused above this is retried a step lower (down to it) before going header
# first: more likely a cap on Le than a refusal to read past the file's end.
COMMON_CAP = 0xDF
PLAIN_MAX_LE = 256  # before access control nothing wraps the data
MAX_REFUSALS = len(LE_LADDER) + 4  # per file: a chip that never settles on an Le is unreadable
FILE_NOT_FOUND = 0x6A82
# What a chip without EF.CardAccess (BAC only) answers to reading it: not found, not
# allowed, no current EF, P1-P2 (the short EF identifier) or the instruction unknown.
NO_SUCH_FILE = frozenset({FILE_NOT_FOUND, 0x6982, 0x6986, 0x6A86, 0x6D00})
# A plain command to a chip still in an earlier read's secure messaging (the card left on the
# reader): it answers an SM error and leaves secure messaging (ICAO 9303-11 §9.8.4).
SM_SESSION_ENDED = frozenset({0x6987, 0x6988})
MAX_FILE_SIZE = 0x7FFF  # READ BINARY B0 addresses offsets up to 7FFF
# Renewal ages of the card (Citizen Identification Law 2014, Identification Law 2023 art. 21).
RENEWAL_AGES = (25, 40, 60)
CHILD_RENEWAL_AGE = 14  # only for cards issued under the 2023 law
IDENTIFICATION_LAW_2023 = date(2024, 7, 1)
# A card issued within two years before a renewal age stays valid to the next one (art. 21(2)).
EARLY_RENEWAL_YEARS = 2
NO_EXPIRY = "<<<<<<"  # assumed MRZ of a card that never expires, as lds_builder writes it

# APDUs to open the chip: EF.CardAccess is read first (1); PACE = MSE:Set AT + 4 GENERAL
# AUTHENTICATE + SELECT of the application under SM; BAC = SELECT once, then GET CHALLENGE +
# EXTERNAL AUTHENTICATE per key tried.
CARD_ACCESS_APDUS = 1
PACE_APDUS = 6
BAC_SELECT_APDUS = 1
BAC_KEY_APDUS = 2


class ForgedChipError(EmrtdError):
    """Passive authentication FAILED: the chip's data is not what the issuer signed."""

    problem = CardProblem.FORGED


class ClonedChipError(ForgedChipError):
    """Active authentication FAILED: the chip does not hold the key DG15 names — a copy."""

    active_auth = ActiveAuthStatus.FAILED


class BirthDateNeededError(AccessControlError):
    """A BAC-only chip (no PACE in EF.CardAccess) and no birth date to derive its key from."""

    problem = CardProblem.NEEDS_BIRTH_DATE


class AnotherCardError(EmrtdError):
    """The chip holds another person's ID than the one the keys were derived from."""

    problem = CardProblem.WRONG_CARD


class ReadDeadlineError(CardError):
    """The read did not finish in time. Not an EmrtdError on purpose: no fallback may catch it."""

    def __init__(self, detail: str) -> None:
        super().__init__(CardProblem.UNREADABLE, detail)


# -- keys -----------------------------------------------------------------------------------


class AccessMethod(Enum):
    PACE_CAN = "pace_can"
    BAC = "bac"


@dataclass(frozen=True)
class AccessKey:
    method: AccessMethod
    secret: str = field(repr=False)  # the CAN or the BAC MRZ information: never logged


@dataclass(frozen=True, repr=False)
class CardKeys:
    """What the caller knows before the read: the ID (from the card's QR code or typed), and
    from the QR code the birth and issue dates, which BAC needs."""

    citizen_id: str
    birth: date | None = None
    issue_date: date | None = None

    def __post_init__(self) -> None:
        if len(self.citizen_id) != 12 or not self.citizen_id.isdigit():
            raise ValueError("a CCCD's personal ID has 12 digits")

    def __repr__(self) -> str:
        return "CardKeys(...)"

    @property
    def can(self) -> AccessKey:
        return AccessKey(AccessMethod.PACE_CAN, self.citizen_id[-6:])

    def bac_keys(self, today: date) -> list[AccessKey]:
        """BAC keys, most likely expiry first; none without a full birth date."""
        if self.birth is None:
            return []
        number = self.citizen_id[-9:]
        birth = self.birth.strftime("%y%m%d")
        return [
            AccessKey(AccessMethod.BAC, _mrz_information(number, birth, expiry))
            for expiry in expiry_candidates(self.birth, self.issue_date, today)
        ]


def _mrz_information(number: str, birth: str, expiry: str) -> str:
    # bac.mrz_information refuses the no-expiry filler, so the fields are put together here.
    return number + check_digit(number) + birth + check_digit(birth) + expiry + check_digit(expiry)


def birthday(birth: date, age: int) -> date:
    year = birth.year + age
    if (birth.month, birth.day) == (2, 29):
        return date(year, 3, 1) if year % 4 else date(year, 2, 29)
    return date(year, birth.month, birth.day)


def expiry_candidates(birth: date, issue_date: date | None, today: date) -> list[str]:
    """Expiry YYMMDD candidates: the birthday at the next renewal age after issue, then the
    others still possible, then no expiry (issued after 60, or the next age unknown)."""
    late_law = issue_date is None or issue_date >= IDENTIFICATION_LAW_2023
    ages = ((CHILD_RENEWAL_AGE,) if late_law else ()) + RENEWAL_AGES
    birthdays = [birthday(birth, age) for age in ages]
    after = issue_date or today
    upcoming = [day for day in birthdays if day > after]
    if issue_date is not None and upcoming and len(upcoming) > 1:
        first = upcoming[0]
        early = date(first.year - EARLY_RENEWAL_YEARS, first.month, min(first.day, 28))
        if issue_date >= early:  # issued shortly before a renewal age: valid to the next one
            upcoming[0], upcoming[1] = upcoming[1], upcoming[0]
    return [day.strftime("%y%m%d") for day in upcoming] + [NO_EXPIRY]


class KeyMemory:
    """What opened each card in this session (keys, PACE parameters, the Le it accepts), so a
    second read of the same card (retry, card put down again) opens it at the first try.

    Holds key material in memory only; call `forget()` when the patient's session ends.
    """

    def __init__(self) -> None:
        self._profiles: dict[str, CardProfile] = {}

    def recall(self, citizen_id: str) -> CardProfile | None:
        return self._profiles.get(citizen_id)

    def remember(self, citizen_id: str, profile: CardProfile) -> None:
        self._profiles[citizen_id] = profile

    def forget(self) -> None:
        self._profiles.clear()


@dataclass(frozen=True)
class CardProfile:
    key: AccessKey
    pace_info: pace.PaceInfo | None = None
    max_le: int | None = None
    over_read: bool = True  # the chip answers a read past a file's end with what there is
    extended_length: bool | None = None  # None: not found out (yet)
    extended_max_le: int = EXTENDED_WHOLE_FILE  # largest plaintext of one extended read


# -- the read ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadOptions:
    read_face: bool = False  # DG2 (15-20 KB): only when configured
    # Force extended Le from the first read (falls back to short when refused), without
    # asking the reader or the card.
    extended_length: bool = False
    deadline_seconds: float = 5.0  # the whole read, access control included
    session_retries: int = 1  # re-openings of a lost secure-messaging session
    active_authentication: bool = True  # when the chip has DG15
    # Use extended Le when the reader and the card say they take it (no APDU spent unless
    # the reader does: then the ATR, else EF.ATR/INFO, answers for the card).
    detect_extended_length: bool = True
    # For a reader whose driver does not report its APDU size (PC/SC v2 part 10): whether
    # it carries extended APDUs. None: assume it does not.
    reader_extended_length: bool | None = None


@dataclass(frozen=True, repr=False)
class ChipReadResult:
    """What a read found: the holder's data (DG13, DG1) and how far the chip proved it."""

    citizen: CitizenRecord  # DG13 by a known layout, else DG1 (then its layout is None)
    verification: PassiveAuthResult  # never FAILED: that raises ForgedChipError
    mrz: Mrz  # DG1
    apdu_count: int
    elapsed: float  # seconds
    face: bytes | None = None  # DG2 as read, when asked for
    active_auth: ActiveAuthStatus = ActiveAuthStatus.NOT_SUPPORTED  # never FAILED: that raises
    extended_length: bool = False  # the files came with extended Le

    def __repr__(self) -> str:
        return (
            f"ChipReadResult({self.verification.status.value}, AA {self.active_auth.value}, "
            f"{self.apdu_count} APDUs, {self.elapsed * 1000:.0f} ms)"
        )


Clock = Callable[[], float]


class CccdReader:
    """Reads CCCD chips against one CSCA store, remembering keys in `memory`."""

    def __init__(
        self,
        cscas: CscaStore,
        *,
        memory: KeyMemory | None = None,
        options: ReadOptions | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.cscas = cscas
        self.memory = memory if memory is not None else KeyMemory()
        self.options = options or ReadOptions()
        self.clock = clock

    def read(
        self,
        transport: Transport,
        keys: CardKeys,
        *,
        today: date | None = None,
        at: datetime | None = None,
    ) -> ChipReadResult:
        """Open the chip, read its files, check them; `at` is when certificates must be valid.

        `transport` may also offer `atr` (bytes) and `extended_length_support()` (True,
        False or None), as `PcscTransport` does: they decide extended length.
        """
        started = self.clock()
        counted = _CountingTransport(transport, self.clock, started + self.options.deadline_seconds)
        session = _Session(
            counted,
            self.memory.recall(keys.citizen_id),
            self.options,
            atr=getattr(transport, "atr", b""),
            reader_extended=_reader_takes_extended_length(transport, self.options),
        )
        session.open(keys, today or date.today())
        files = _read_files(
            session, read_face=self.options.read_face, active=self.options.active_authentication
        )
        verification, mrz, citizen = _check(files, keys, self.cscas, at)
        aa = (
            _authenticate_chip(session, files)
            if self.options.active_authentication
            else ActiveAuthStatus.NOT_CHECKED
        )
        self.memory.remember(keys.citizen_id, session.profile())
        elapsed = self.clock() - started
        logger.info(
            "chip read: %s, active authentication %s, %d APDUs%s, %.0f ms",
            verification.status.value,
            aa.value,
            counted.count,
            " (extended length)" if session.extended else "",
            elapsed * 1000,
        )
        if aa is ActiveAuthStatus.FAILED:
            raise ClonedChipError("active authentication failed: the chip is not the original")
        return ChipReadResult(
            citizen,
            verification,
            mrz,
            counted.count,
            elapsed,
            files.get(2),
            active_auth=aa,
            extended_length=session.extended,
        )


def _reader_takes_extended_length(transport: Transport, options: ReadOptions) -> bool:
    """What the reader reports (PC/SC v2 part 10), else what the configuration says."""
    if options.extended_length:
        return True
    ask = getattr(transport, "extended_length_support", None)
    said = ask() if callable(ask) else None
    return bool(options.reader_extended_length) if said is None else bool(said)


def _read_files(session: _Session, *, read_face: bool, active: bool) -> dict[int, bytes]:
    """EF.COM, then the data groups it lists that a read needs, then EF.SOD.

    Active authentication needs DG15 and, for an EC key only, DG14 (the ECDSA hash). They
    are read when EF.COM or EF.SOD lists them: EF.COM is not signed, so a copy of a chip
    could drop DG15 from it to dodge active authentication; EF.SOD cannot be changed.
    Keys: data group numbers, 0 for EF.COM and -1 for EF.SOD.
    """
    com_bytes = session.read_file(COM_FILE_ID)
    listed = parse_com(com_bytes).data_groups
    for needed in (1, 13):
        if needed not in listed:
            raise UnsupportedError(f"EF.COM does not list DG{needed}: not a CCCD")
    wanted = [1, 13] + ([2] if read_face and 2 in listed else [])
    files = {0: com_bytes}
    for number in wanted:
        files[number] = session.read_file(data_group_file_id(number))
    files[-1] = session.read_file(SOD_FILE_ID)
    if active:
        present = set(listed) | _groups_in_sod(files[-1])
        if 15 in present and (dg15 := _read_if_present(session, 15)) is not None:
            files[15] = dg15
            if 14 in present and _is_ec_key(dg15):
                files[14] = session.read_file(data_group_file_id(14))
    return files


def _groups_in_sod(sod_bytes: bytes) -> set[int]:
    """The data groups EF.SOD has hashes for; none when it does not parse (passive
    authentication then says FAILED)."""
    try:
        return set(parse_sod(sod_bytes).security_object.hashes)
    except SodError:
        return set()


def _read_if_present(session: _Session, number: int) -> bytes | None:
    try:
        return session.read_file(data_group_file_id(number))
    except StatusError as error:
        if error.status.value == FILE_NOT_FOUND:
            return None
        raise


def _is_ec_key(dg15: bytes) -> bool:
    """Whether DG15 holds an EC key; a malformed DG15 is judged after passive authentication."""
    try:
        return active_auth.parse_dg15(dg15).is_ec
    except ActiveAuthKeyError:
        return False


def _authenticate_chip(session: _Session, files: dict[int, bytes]) -> ActiveAuthStatus:
    """Active authentication against DG15's key, once passive authentication vouched for it.

    A chip that lists DG15 and does not answer the challenge correctly — wrong signature,
    or an error status word — FAILED. A key type or algorithm this reader does not verify
    is NOT_SUPPORTED (logged): the data is still checked by passive authentication.
    """
    if 15 not in files:
        if 15 in _groups_in_sod(files[-1]):
            logger.warning("active authentication: the issuer signed a DG15 the chip lacks")
            return ActiveAuthStatus.FAILED
        return ActiveAuthStatus.NOT_SUPPORTED
    try:
        key = active_auth.parse_dg15(files[15])
        ecdsa_hash = active_auth.ecdsa_hash_from_dg14(files[14]) if 14 in files else None
    except UnsupportedKeyError as error:
        logger.warning("active authentication not supported: %s", error)
        return ActiveAuthStatus.NOT_SUPPORTED
    challenge = active_auth.new_challenge()
    answer = session.internal_authenticate(challenge)
    if not answer.status.is_success:
        logger.warning("active authentication refused: %s", answer.status)
        return ActiveAuthStatus.FAILED
    if not active_auth.verify(key, challenge, answer.data, ecdsa_hash=ecdsa_hash):
        logger.warning("active authentication: the signature does not verify")
        return ActiveAuthStatus.FAILED
    return ActiveAuthStatus.PASSED


def _check(
    files: dict[int, bytes], keys: CardKeys, cscas: CscaStore, at: datetime | None
) -> tuple[PassiveAuthResult, Mrz, CitizenRecord]:
    """Passive authentication first: a tampered file is FORGED even when it still parses."""
    groups = {number: content for number, content in files.items() if number > 0}
    verification = verify(files[-1], groups, cscas, at=at)
    if verification.status is PassiveAuthStatus.FAILED:
        raise ForgedChipError(f"passive authentication failed: {verification.failure}")
    mrz = parse_dg1(files[1])
    record = citizen_record(files[13], mrz)
    on_chip = record.holder.citizen_id
    if on_chip != keys.citizen_id or mrz.citizen_id not in (None, keys.citizen_id):
        raise AnotherCardError("another card: the chip holds a different personal ID")
    return verification, mrz, record


class _CountingTransport:
    """Counts APDUs and refuses to send one once the read's deadline has passed."""

    def __init__(self, inner: Transport, clock: Clock, deadline: float) -> None:
        self.inner = inner
        self.clock = clock
        self.deadline = deadline
        self.count = 0

    def transmit(self, apdu: bytes) -> bytes:
        if self.clock() > self.deadline:
            raise ReadDeadlineError(f"the read did not finish in time ({self.count} APDUs)")
        self.count += 1
        return self.inner.transmit(apdu)


class _SessionLost(Exception):
    def __init__(self, cause: SecureMessagingError) -> None:
        super().__init__(str(cause))
        self.cause = cause


class _Session:
    """The opened chip: secure channel, the key that opened it, the Le it accepts."""

    def __init__(
        self,
        transport: _CountingTransport,
        remembered: CardProfile | None,
        options: ReadOptions,
        *,
        atr: bytes = b"",
        reader_extended: bool = False,
    ) -> None:
        self.transport = transport
        self.atr = atr
        self.reader_extended = reader_extended
        self.remembered = remembered
        self.options = options
        self.channel: SecureChannel | None = None
        self.key: AccessKey | None = None
        self.pace_info: pace.PaceInfo | None = remembered.pace_info if remembered else None
        self.max_le = PLAIN_MAX_LE  # before access control: reads in the clear
        self.le_cap: int | None = None  # the largest Le the chip takes, once shown
        self.extended = options.extended_length
        self.extended_max_le = EXTENDED_WHOLE_FILE
        self.extended_limit: int | None = None  # the card's largest response APDU, if it says
        self.over_read = remembered.over_read if remembered else True
        self.refused_le: int | None = None  # a first read refused for reading past the end?
        self.plain_selected = False  # the application was selected outside secure messaging
        self.retries_left = options.session_retries

    def profile(self) -> CardProfile:
        assert self.key is not None
        return CardProfile(
            self.key,
            self.pace_info,
            self.max_le,
            self.over_read,
            self.extended,
            self.extended_max_le,
        )

    # -- access control ---------------------------------------------------------------------

    def open(self, keys: CardKeys, today: date) -> None:
        """Try the remembered key, then PACE-CAN when EF.CardAccess offers it, then BAC.

        ACCESS_DENIED when any key was refused; otherwise the chip's own failure.
        """
        failures: list[EmrtdError] = []
        self._decide_extended_length()
        if self.remembered is not None:
            try:
                self._open_with(self.remembered.key, self.remembered.pace_info)
                self._set_le(self.remembered.max_le)
                return
            except EmrtdError as error:
                failures.append(error)
        bac_keys = keys.bac_keys(today)
        info = self._pace_info(bac_possible=bool(bac_keys))
        candidates = ([keys.can] if info is not None else []) + bac_keys
        if not candidates:
            raise BirthDateNeededError("no PACE on the card and no birth date for BAC")
        for key in candidates:
            try:
                self._open_with(key, info)
            except EmrtdError as error:
                failures.append(error)
                continue
            self._set_le(None)
            return
        refused = [error for error in failures if isinstance(error, AccessControlError)]
        if refused:
            detail = "; ".join(str(error) for error in refused)
            raise AccessControlError(f"{len(candidates)} keys tried: {detail}")
        raise failures[-1]

    def _decide_extended_length(self) -> None:
        """Extended Le when the reader takes it and the card says so: the ATR first, and
        EF.ATR/INFO (one APDU, in the clear) only when the ATR does not settle it."""
        if self.options.extended_length:
            return  # forced
        remembered = self.remembered
        if remembered is not None and remembered.extended_length is not None:
            self.extended = remembered.extended_length
            self.extended_max_le = remembered.extended_max_le
            return
        if not (self.options.detect_extended_length and self.reader_extended):
            return
        says = card_says(self.atr)
        if says is CardSays.ASK_EF_ATR_INFO:
            read = CommandApdu(0x00, 0xB0, 0x80 | EF_ATR_INFO_SFI, 0x00, le=256)
            answer = exchange(self.transport, read)
            info = None
            if answer.status.is_success or (answer.status.is_end_of_file and answer.data):
                try:
                    info = parse_atr_info(answer.data)
                except LdsError as error:
                    logger.info("EF.ATR/INFO unusable: %s", error)
            self.extended = info is not None
            self.extended_limit = info.max_response if info is not None else None
        else:
            self.extended = says is CardSays.YES

    def _pace_info(self, bac_possible: bool) -> pace.PaceInfo | None:
        """The PACE parameters EF.CardAccess advertises, if it exists and offers one we do.

        Read to the end its TLV length gives (whatever status words the chip sends on the
        way). A chip without the file is BAC-only; a file that cannot be read whole or
        parsed is an error, unless BAC is possible (tried then, with a warning): it may
        offer PACE, so the patient is not asked for a birth date because of it.
        """
        extended, self.extended = self.extended, False  # in the clear: short Le
        try:
            try:
                content = self.read_file(EF_CARD_ACCESS)
            except StatusError as error:
                if error.status.value not in SM_SESSION_ENDED:
                    raise
                logger.info("chip left an earlier secure messaging session: reading again")
                content = self.read_file(EF_CARD_ACCESS)
            infos = pace.parse_card_access(content)
        except StatusError as error:
            if error.status.value in NO_SUCH_FILE:
                logger.info("no EF.CardAccess (%s): a BAC-only chip", error.status)
                return None
            if not bac_possible:
                raise
            logger.warning("EF.CardAccess unreadable (%s): trying BAC", error.status)
            return None
        except EmrtdError as error:
            if not bac_possible:
                raise LdsError(f"EF.CardAccess is malformed: {error}") from error
            logger.warning("EF.CardAccess is malformed (%s): trying BAC", error)
            return None
        finally:
            self.extended = extended
        try:
            self.pace_info = pace.choose(infos)
        except UnsupportedError as error:
            logger.info("EF.CardAccess offers no usable PACE: %s", error)
            return None
        return self.pace_info

    def _open_with(self, key: AccessKey, info: pace.PaceInfo | None) -> None:
        self.channel = None
        if key.method is AccessMethod.PACE_CAN:
            if info is None:
                raise UnsupportedError("PACE key without PACE parameters")
            self.plain_selected = False
            result = pace.establish(self.transport, pace.PacePassword.can(key.secret), info)
            self.channel = SecureChannel(self.transport, result.session)
            self._select_application(self.channel.send)
        else:
            if not self.plain_selected:  # once for every BAC candidate
                self._select_application(lambda command: exchange(self.transport, command))
                self.plain_selected = True
            opened = bac.authenticate(self.transport, key.secret)
            self.channel = SecureChannel(self.transport, opened.session)
        self.key = key

    @staticmethod
    def _select_application(send: Callable[[CommandApdu], ResponseApdu]) -> None:
        send(CommandApdu(0x00, 0xA4, 0x04, 0x0C, EMRTD_AID)).require_success("SELECT eMRTD")

    def _reopen(self, cause: SecureMessagingError, *, counted: bool = True) -> None:
        """Re-run the access control that worked; `counted` ones `session_retries` times.

        The chip may still believe in the old session: the first plain command makes it
        drop it (6987/6988), so that command is repeated once before access control.
        """
        if self.key is None or (counted and self.retries_left <= 0):
            raise cause
        if counted:
            self.retries_left -= 1
        logger.info("secure messaging session lost (%s): opening the chip again", cause)
        self._clear_chip_session()
        self.plain_selected = False
        self._open_with(self.key, self.pace_info)

    def _clear_chip_session(self) -> None:
        probe = (
            CommandApdu(0x00, 0xB0, 0x80 | EF_CARD_ACCESS_SFI, 0x00, le=4)
            if self.key is not None and self.key.method is AccessMethod.PACE_CAN
            else CommandApdu(0x00, 0xA4, 0x04, 0x0C, EMRTD_AID)
        )
        if exchange(self.transport, probe).status.is_secure_messaging_failure:
            exchange(self.transport, probe)

    def _set_le(self, learned: int | None) -> None:
        assert self.channel is not None
        suite = self.channel.session.keys.suite
        suite_max = MAX_LE_AES if suite.is_aes else MAX_LE_TDES
        self.max_le = min(le for le in (learned, self.le_cap, suite_max) if le)
        if self.extended and self.extended_limit is not None:
            # The card's largest answer, less what secure messaging wraps around the data.
            self.extended_max_le = min(
                EXTENDED_WHOLE_FILE, max_plaintext(self.extended_limit, suite.block_size)
            )
            if self.extended_max_le <= self.max_le:
                self.extended = False  # nothing to gain over short reads

    # -- files --------------------------------------------------------------------------------

    def read_file(self, file_id: int) -> bytes:
        """The whole file, as long as its TLV header says, resumed after a lost session at
        the offset reached.

        Status words as ISO/IEC 7816-4 defines them: 9000 and 6282 ("end of file reached
        before Le bytes") bring data, however short; 6Cxx is asked again with the Le it
        names; 6700 lowers Le. A file's first read asks for a whole chunk while the chip
        answers reads past a file's end; once it refused one, files start with their header.
        """
        read = _FileRead(file_id, header_first=not self.over_read)
        while not read.complete:
            if read.refusals > MAX_REFUSALS:
                raise LdsError(f"file {file_id:04X}: the chip refuses every Le")
            le = read.next_le(self.extended_max_le if self.extended else self.max_le)
            try:
                response = self._read(file_id, read.offset, le, read.selected)
            except _SessionLost as lost:
                cause = lost.cause
                if isinstance(cause, SecureMessagingStatusError) and cause.status.is_wrong_length:
                    # Some chips refuse an Le without secure messaging, which ends the
                    # session: smaller Le and a new session, bounded by the Le steps.
                    self._smaller_le(cause.status, le)
                    self._reopen(lost.cause, counted=False)
                else:
                    self._reopen(lost.cause)
                read.selected = False
                continue
            status = response.status
            if status.is_success or (status.is_end_of_file and response.data):
                self._take(read, response.data, le)
            elif status.is_wrong_length:
                read.refusals += 1
                self._refused(read, status, le)
            elif status.is_offset_outside or status.is_end_of_file:
                raise LdsError(f"file {file_id:04X} ends before the length its header gives")
            else:
                raise status_error(status, f"READ BINARY {file_id:04X}")
        return read.content()

    def _take(self, read: _FileRead, data: bytes, le: int) -> None:
        """An answer with data: add it, and learn from it what the chip does."""
        if not data:
            raise LdsError(f"file {read.file_id:04X}: empty answer at offset {read.offset}")
        if len(data) > le:
            raise LdsError(f"file {read.file_id:04X}: {len(data)} bytes answered for Le {le}")
        stepped, exact = read.stepped_from, read.exact_le
        read.add(data)
        if read.total is None:
            return
        went_past_end = len(data) < le  # the chip answered a read beyond the file's end
        if stepped is not None and (went_past_end or not read.complete):
            self._learn_cap(le)  # the larger Le was refused, this one taken: a cap
        if exact is not None and (went_past_end or not read.complete):
            self._learn_cap(exact)  # 6Cxx named a cap, not the bytes left in the file
        if read.refused is not None and not read.header_checked:
            read.header_checked = True
            if read.total >= read.refused:  # the refused Le was within the file: a cap
                self._smaller_le(StatusWord(0x6700), read.refused)
            elif self.le_cap is None or self.le_cap >= read.refused:
                # Shorter than the refused Le: unless a cap below it shows up later
                # (`_learn_cap`), the chip refuses reads past a file's end.
                self.over_read, self.refused_le = False, read.refused

    def _refused(self, read: _FileRead, status: StatusWord, le: int) -> None:
        """6700 or 6Cxx: which Le to ask next, and what the refusal says about the chip."""
        read.exact_le = None
        if self.extended and read.total is None:
            self.extended = False  # the card or reader does not take extended Le
            return
        correct = status.correct_le
        if correct is not None:
            if correct >= le:
                raise status_error(status, f"READ BINARY {read.file_id:04X} with Le {le}")
            read.exact_le = correct
            return
        if read.total is not None:  # within the file: the chip caps Le (or takes no extended)
            self._smaller_le(status, le)
        elif not read.whole_chunk:
            raise status_error(status, f"READ BINARY {read.file_id:04X} header")
        elif le > COMMON_CAP:  # most likely a cap: the next step down (0xE7, then 0xDF)
            if read.saved_max_le is None:
                read.saved_max_le = self.max_le
            read.stepped_from = le
            self.max_le = next(step for step in LE_LADDER if step < le)
        else:  # the header tells whether the file was shorter than the refused Le
            if read.saved_max_le is not None:
                self.max_le = read.saved_max_le
            read.whole_chunk, read.refused, read.stepped_from = False, le, None

    def _learn_cap(self, le: int) -> None:
        self.max_le = le
        self.le_cap = le if self.le_cap is None else min(self.le_cap, le)
        if self.refused_le is not None and le < self.refused_le:
            self.over_read, self.refused_le = True, None

    def internal_authenticate(self, challenge: bytes) -> ResponseApdu:
        """The chip's answer to INTERNAL AUTHENTICATE; a lost session is re-opened first."""
        while True:
            command = active_auth.internal_authenticate(challenge, extended=self.extended)
            try:
                response = self._send(command)
            except _SessionLost as lost:
                self._reopen(lost.cause)
                continue
            if response.status.is_wrong_length and self.extended:
                self.extended = False  # the extended Le was refused: ask again with a short one
                continue
            return response

    def _read(self, file_id: int, offset: int, le: int, selected: bool) -> ResponseApdu:
        if selected:
            command = CommandApdu(0x00, 0xB0, offset >> 8, offset & 0xFF, le=le)
        elif offset <= 0xFF:  # the short EF identifier selects the file and reads at once
            command = CommandApdu(0x00, 0xB0, 0x80 | (file_id & 0x1F), offset, le=le)
        else:  # resuming far into a file after a new session: select it first
            select = CommandApdu(0x00, 0xA4, 0x02, 0x0C, file_id.to_bytes(2, "big"))
            self._send(select).require_success(f"SELECT {file_id:04X}")
            command = CommandApdu(0x00, 0xB0, offset >> 8, offset & 0xFF, le=le)
        return self._send(command)

    def _send(self, command: CommandApdu) -> ResponseApdu:
        if self.channel is None:  # EF.CardAccess, before access control
            return exchange(self.transport, command)
        try:
            return self.channel.send(command)
        except SecureMessagingError as error:
            raise _SessionLost(error) from error

    def _smaller_le(self, status: StatusWord, le: int) -> None:
        """Lower the Le after the chip refused `le` within a file: a cap on Le."""
        if self.extended:
            self.extended = False  # the card or reader does not take extended Le
            return
        correct = status.correct_le
        smaller = [step for step in LE_LADDER if step < le]
        if correct is not None and correct < le:
            self._learn_cap(correct)
        elif smaller:
            self._learn_cap(smaller[0])
        else:
            raise status_error(status, f"READ BINARY with Le {le}")


@dataclass
class _FileRead:
    """One file on its way in: what came, and what the chip's refusals said so far."""

    file_id: int
    header_first: bool
    data: bytearray = field(default_factory=bytearray)
    total: int | None = None  # from the TLV header, once it came
    selected: bool = False  # the file is the chip's current EF
    refusals: int = 0
    exact_le: int | None = None  # the Le a 6Cxx named, for the next read
    stepped_from: int | None = None  # a whole-chunk first read refused at this Le...
    saved_max_le: int | None = None  # ...and the Le before it was lowered one step
    refused: int | None = None  # the whole-chunk Le refused before going header first
    header_checked: bool = False
    whole_chunk: bool = field(init=False)  # the first read asks for a whole chunk

    def __post_init__(self) -> None:
        self.whole_chunk = not self.header_first

    @property
    def offset(self) -> int:
        return len(self.data)

    @property
    def complete(self) -> bool:
        return self.total is not None and len(self.data) >= self.total

    def next_le(self, limit: int) -> int:
        if self.exact_le is not None:
            return self.exact_le
        if self.total is not None:
            return min(self.total - len(self.data), limit)
        return limit if self.whole_chunk else min(HEADER_SIZE, limit)

    def add(self, data: bytes) -> None:
        self.data += data
        self.selected = True
        self.exact_le = None
        self.stepped_from = None
        if self.total is None:
            self.total = _file_size(bytes(self.data), self.file_id)

    def content(self) -> bytes:
        assert self.total is not None
        return bytes(self.data[: self.total])  # a chip may pad a file past its TLV


def _file_size(header: bytes, file_id: int) -> int | None:
    """The file's size from its TLV header; None while fewer bytes came than it needs."""
    try:
        size = tlv.read_header(header).total_size
    except TlvError as error:
        if len(header) < HEADER_SIZE:
            return None  # a short answer: the rest of the header comes with the next read
        raise LdsError(f"file {file_id:04X}: {error}") from error
    if size > MAX_FILE_SIZE:
        raise LdsError(f"file {file_id:04X} claims {size} bytes")
    return size


# -- counting -------------------------------------------------------------------------------


def chunk_reads(size: int, max_le: int) -> int:
    """READ BINARYs for one file when its first read may ask for a whole chunk: the lower
    bound for a file whose size is not known beforehand."""
    return math.ceil(size / max_le)


def header_first_reads(size: int, max_le: int) -> int:
    """READ BINARYs for one file on a chip that refuses reads past the end: the 4-byte
    header, then the rest in max_le pieces."""
    return 1 + math.ceil(max(size - HEADER_SIZE, 0) / max_le)


def expected_apdus(
    sizes: list[int], max_le: int, *, bac_keys_tried: int = 0, over_read: bool = True
) -> int:
    """APDUs of a first read without faults: EF.CardAccess, PACE (or BAC with that many keys
    tried), then each file (`chunk_reads`, or `header_first_reads` when `over_read` is off)."""
    if bac_keys_tried:
        opening = CARD_ACCESS_APDUS + BAC_SELECT_APDUS + BAC_KEY_APDUS * bac_keys_tried
    else:
        opening = CARD_ACCESS_APDUS + PACE_APDUS
    per_file = chunk_reads if over_read else header_first_reads
    return opening + sum(per_file(size, max_le) for size in sizes)
