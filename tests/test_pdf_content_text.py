"""The content scan reads operands from qpdf's unparsed text (readers._pdf_content): the bytes it finds must be
the bytes of the operand objects, whatever the strings, arrays and names hold."""

from __future__ import annotations

import random
from typing import Any

import pikepdf
import pytest
from pikepdf import Array, ContentStreamInstruction, Dictionary, Name, Operator, String

from tillgang.readers import _pdf_content as content


def _shown_from_objects(operands: list[Any], op: str) -> bytes:
    """What a text-showing operator shows, read from its operand objects (the reference)."""
    if op == "TJ":
        if not operands or not isinstance(operands[0], Array):
            return b""
        return b"".join(bytes(item) for item in operands[0] if isinstance(item, String))
    return bytes(operands[-1]) if operands and isinstance(operands[-1], String) else b""


def _random_string(rng: random.Random) -> String:
    alphabet = [b"(", b")", b"\\", b"\n", b"\r", b"\t", b" ", b"a", b"Z", b"<", b">", b"[", b"]", b"%", b"/"]
    if rng.random() < 0.3:
        return String(bytes(rng.randrange(256) for _ in range(rng.randrange(6))))
    return String(b"".join(rng.choice(alphabet) for _ in range(rng.randrange(8))))


def _random_operand(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(7 if depth < 2 else 4)
    if kind == 0:
        return _random_string(rng)
    if kind == 1:
        return rng.randrange(-2000, 2000)
    if kind == 2:
        return Name("/" + rng.choice(["F1", "a b", "x#y", "Å", "(p)", "T"]))
    if kind == 3:
        return pikepdf.Object.parse(b"-12.75")
    if kind == 4:
        return Array([_random_operand(rng, depth + 1) for _ in range(rng.randrange(4))])
    return Dictionary({"/K": _random_operand(rng, depth + 1), "/S": _random_string(rng)})


def _random_show(rng: random.Random) -> ContentStreamInstruction:
    op = rng.choice(["Tj", "TJ", "'", '"'])
    if op == "TJ" and rng.random() < 0.8:
        array = Array(
            [_random_string(rng) if rng.random() < 0.6 else _random_operand(rng, 1) for _ in range(5)]
        )
        operands = [array] + [_random_operand(rng) for _ in range(rng.randrange(2))]
    else:
        operands = [_random_operand(rng) for _ in range(rng.randrange(3))]
        if rng.random() < 0.7:
            operands.append(_random_string(rng))
    return ContentStreamInstruction(operands, Operator(op))


def test_shown_bytes_from_text_equal_the_operand_objects() -> None:
    rng = random.Random(13)
    instructions = [_random_show(rng) for _ in range(3000)]
    lines = content._unparsed_lines(instructions)
    assert len(lines) == len(instructions)
    for inst, line in zip(instructions, lines, strict=True):
        args, _, op = line.rpartition(b" ")
        assert op == str(inst.operator).encode()
        expected = _shown_from_objects(list(inst.operands), str(inst.operator))
        assert content._shown_bytes(args, op) == expected, line


def _inline_image() -> Any:
    stream = b"q BI /W 2 /H 1 /CS /G /BPC 8 ID \x00\n EI Q BT (x) Tj ET"
    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    page.obj.Contents = pdf.make_stream(stream)
    return pdf, pikepdf.parse_content_stream(page, content.OPERATORS)


def test_unparsed_lines_keep_inline_images_in_place() -> None:
    pdf, ops = _inline_image()
    with pdf:
        ops = list(ops) * 3
        lines = content._unparsed_lines(ops)
        assert len(lines) == len(ops)
        for inst, line in zip(ops, lines, strict=True):
            if isinstance(inst, pikepdf.ContentStreamInlineImage):
                assert line == content._INLINE_LINE
            else:
                assert line.rpartition(b" ")[2] == str(inst.operator).encode()


@pytest.mark.parametrize(
    ("operands", "op"),
    [
        ([Name.P, Dictionary(MCID=3)], "BDC"),
        ([Name.Artifact, Dictionary(MCID=0)], "BDC"),
        ([Name.Span, Dictionary(MCID=7, Lang=String("en"))], "BDC"),
        ([Name("/A#20b"), Dictionary(MCID=2)], "BDC"),
        ([Name.Artifact], "BMC"),
        ([Name("/Art#69fact")], "BMC"),
        ([Name.P], "BMC"),
        ([], "BMC"),
        ([Name.P, Name.MC0], "BDC"),
    ],
)
def test_marked_content_from_text_equals_the_objects(operands: list[Any], op: str) -> None:
    inst = ContentStreamInstruction(operands, Operator(op))
    args, _, opb = content._unparsed_lines([inst])[0].rpartition(b" ")
    props = Dictionary(MC0=Dictionary(MCID=5))
    from_text = content.ContentScan(None, 1000)._marked(args, opb, inst, props, None)
    from_objects = content.ContentScan(None, 1000)._marked_own(list(inst.operands), op, props)
    assert from_text == from_objects


def test_tf_name_with_escapes_selects_the_font() -> None:
    pdf = pikepdf.new()
    with pdf:
        font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
        resources = Dictionary(Font=Dictionary({"/F 1": font, "/F2": font}))
        scan = content.ContentScan(None, 1000)
        known: dict[bytes, Any] = {}
        for name in ("/F 1", "/F2", "/F3"):
            inst = ContentStreamInstruction([Name(name), 12], Operator("Tf"))
            token = content._unparsed_lines([inst])[0].partition(b" ")[0]
            info = scan._tf(token, inst, known, resources, 0)
            assert (info is not None) == (name != "/F3")
        assert len(known) == 3
