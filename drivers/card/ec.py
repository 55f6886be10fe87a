"""Elliptic-curve arithmetic over prime fields, for PACE generic mapping.

`cryptography` offers ECDH but no point addition, and the generic mapping needs
G~ = s*G + H, so the group law is done here with Python integers (Jacobian coordinates,
fixed 4-bit window). Not constant time: the kiosk's ephemeral keys live for one session
and the scalars are random, and correctness is what matters here.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.card.errors import AccessControlError

Point = tuple[int, int]  # affine; the point at infinity never leaves this module
_Jacobian = tuple[int, int, int]  # Z == 0 is the point at infinity
_INFINITY: _Jacobian = (1, 1, 0)
_WINDOW = 4


@dataclass(frozen=True, slots=True)
class Curve:
    """Short Weierstrass curve y² = x³ + ax + b over GF(p), base point G of order n."""

    name: str
    p: int
    a: int
    b: int
    gx: int
    gy: int
    n: int
    cofactor: int = 1

    @property
    def generator(self) -> Point:
        return (self.gx, self.gy)

    @property
    def coordinate_size(self) -> int:
        return (self.p.bit_length() + 7) // 8

    def contains(self, point: Point) -> bool:
        x, y = point
        if not (0 <= x < self.p and 0 <= y < self.p):
            return False
        return (y * y - (x * x * x + self.a * x + self.b)) % self.p == 0

    def encode(self, point: Point) -> bytes:
        """Uncompressed encoding 04 || x || y."""
        size = self.coordinate_size
        return b"\x04" + point[0].to_bytes(size, "big") + point[1].to_bytes(size, "big")

    def decode(self, data: bytes) -> Point:
        """An uncompressed point from the card, which must lie on this curve.

        Checking membership defeats invalid-curve answers and catches garbled ones.
        """
        size = self.coordinate_size
        if len(data) != 1 + 2 * size or data[0] != 0x04:
            raise AccessControlError(f"not an uncompressed {self.name} point")
        point = (int.from_bytes(data[1 : 1 + size], "big"), int.from_bytes(data[1 + size :], "big"))
        if not self.contains(point):
            raise AccessControlError(f"point is not on {self.name}")
        return point

    def add(self, first: Point, second: Point) -> Point:
        return self._to_affine(self._add(self._lift(first), self._lift(second)))

    def multiply(self, scalar: int, point: Point) -> Point:
        """scalar * point; a result at infinity (bad scalar or point) is an error."""
        return self._to_affine(self._multiply(scalar, self._lift(point)))

    # -- Jacobian internals -------------------------------------------------------------

    @staticmethod
    def _lift(point: Point) -> _Jacobian:
        return (point[0], point[1], 1)

    def _to_affine(self, point: _Jacobian) -> Point:
        x, y, z = point
        if z == 0:
            raise AccessControlError("point at infinity")
        p = self.p
        z_inv = pow(z, -1, p)
        z_inv2 = z_inv * z_inv % p
        return (x * z_inv2 % p, y * z_inv2 * z_inv % p)

    def _double(self, point: _Jacobian) -> _Jacobian:
        x, y, z = point
        if z == 0 or y == 0:
            return _INFINITY
        p = self.p
        yy = y * y % p
        s = 4 * x * yy % p
        zz = z * z % p
        m = (3 * x * x + self.a * zz * zz) % p
        x3 = (m * m - 2 * s) % p
        y3 = (m * (s - x3) - 8 * yy * yy) % p
        return (x3, y3, 2 * y * z % p)

    def _add(self, first: _Jacobian, second: _Jacobian) -> _Jacobian:
        x1, y1, z1 = first
        x2, y2, z2 = second
        if z1 == 0:
            return second
        if z2 == 0:
            return first
        p = self.p
        z1z1 = z1 * z1 % p
        z2z2 = z2 * z2 % p
        u1 = x1 * z2z2 % p
        u2 = x2 * z1z1 % p
        s1 = y1 * z2 * z2z2 % p
        s2 = y2 * z1 * z1z1 % p
        if u1 == u2:
            return self._double(first) if s1 == s2 else _INFINITY
        h = (u2 - u1) % p
        r = (s2 - s1) % p
        hh = h * h % p
        hhh = h * hh % p
        u1hh = u1 * hh % p
        x3 = (r * r - hhh - 2 * u1hh) % p
        y3 = (r * (u1hh - x3) - s1 * hhh) % p
        return (x3, y3, h * z1 * z2 % p)

    def _multiply(self, scalar: int, point: _Jacobian) -> _Jacobian:
        if scalar <= 0:
            raise AccessControlError("scalar must be positive")
        table = [_INFINITY, point]
        for _ in range(2, 1 << _WINDOW):
            table.append(self._add(table[-1], point))
        result = _INFINITY
        mask = (1 << _WINDOW) - 1
        for shift in range(
            ((scalar.bit_length() + _WINDOW - 1) // _WINDOW - 1) * _WINDOW, -1, -_WINDOW
        ):
            for _ in range(_WINDOW):
                result = self._double(result)
            digit = (scalar >> shift) & mask
            if digit:
                result = self._add(result, table[digit])
        return result


# BSI TR-03110 part 3 table 4 / ICAO 9303 part 11 table 12: standardized domain parameter ids.
NIST_P256 = Curve(
    "NIST P-256",
    p=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
    a=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC,
    b=0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
    gx=0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    gy=0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
    n=0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
)
BRAINPOOL_P256R1 = Curve(
    "brainpoolP256r1",
    p=0xA9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377,
    a=0x7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9,
    b=0x26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6,
    gx=0x8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262,
    gy=0x547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997,
    n=0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7,
)
STANDARD_CURVES: dict[int, Curve] = {12: NIST_P256, 13: BRAINPOOL_P256R1}
