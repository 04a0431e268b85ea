"""The Thai national ID card: its data, its chip, and an emulated one.

model      Card, Name, Address, BEDate and the card JSON of DESIGN §3
cid        the citizen ID: check digit, person category, masking
layout     where each field lives in the MOI applet, and the APDUs that reach it
decode     chip bytes (TIS-620, padded, '#'-separated) to a Card
reader     the APDU conversation over any `transmit` connection
pcsc       that connection over pcscd, reader choice, presence events
presence   insert/remove debouncing (pure)
emulator   an emulated card that answers the real APDUs
vpcd       presenting the emulated card to pcscd through vsmartcard-vpcd
fake       presenting it in process, for fast tests
errors     every failure, typed and bilingual
"""

from kiosk.card.errors import CardError
from kiosk.card.model import Address, BEDate, Card, Name

__all__ = ["Address", "BEDate", "Card", "CardError", "Name"]
