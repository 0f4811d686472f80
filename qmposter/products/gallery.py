"""A static HTML gallery of a build, for reviewing a poster set before it is printed.

`qmposter gallery DIR` reads DIR/manifest.json (written by `qmposter build`) and writes
DIR/index.html with a thumbnail of every picture, grouped by template or by slogan and
filterable. It works offline on an intranet: no CDN, no fonts from the web, one HTML file
plus thumbnails under DIR/.gallery/. Every text from the catalogue or the campaign is
HTML-escaped, since slogans and unit names are typed by people.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

from PIL import Image

from qmposter.errors import InputError
from qmposter.fileio import atomic_write_bytes
from qmposter.images import open_image

THUMB_DIR = ".gallery"
PAGE_FONT = f"{THUMB_DIR}/page-font.ttf"  # the page's own characters, so it reads right with no Chinese font installed
THUMB_MAX_PX = 360
RASTER_FORMATS = ("png", "jpg", "jpeg")


@dataclass(frozen=True)
class GalleryCard:
    """One product (a template × slogan × unit) with all its files and a thumbnail."""

    template: str
    template_title: str
    slogan_id: str
    text: str
    unit: str
    files: tuple[tuple[str, str], ...]  # (format, relative path)
    thumb: str | None  # relative path of the thumbnail
    size_label: str


@dataclass(frozen=True)
class GalleryResult:
    """The gallery page written, and how many cards and thumbnails it shows."""

    index: Path
    cards: int
    thumbnails: int


_BUILD_DIR_HINT = "请给出 qmposter build 的输出文件夹，例如 out"


def read_manifest(directory: Path) -> dict:
    """The build manifest of `directory`, with a Chinese error when it is missing or broken."""
    path = directory / "manifest.json"
    if directory.is_file():
        raise InputError(f"{directory} 是一个文件，不是文件夹", hint=_BUILD_DIR_HINT)
    if not directory.is_dir():
        raise InputError(f"文件夹不存在：{directory}", hint=_BUILD_DIR_HINT)
    if not path.is_file():
        raise InputError(f"{directory} 中没有 manifest.json", hint="请先运行 qmposter build 生成宣传品，再生成预览页")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path} 不是有效的 JSON：{error}", hint="请重新运行 qmposter build") from error
    if not isinstance(manifest, dict) or not isinstance(manifest.get("items"), list):
        raise InputError(f"{path} 缺少 items 列表，不像是 qmposter build 写出的清单")
    _check_manifest(directory, path, manifest)
    return manifest


# -- the manifest is untrusted input: a hand-edited or foreign file must not steer the page ----------

_TEXT_FIELDS = ("path", "slogan_id", "text", "template", "format", "sha256")
_NUMBER_FIELDS = ("width_mm", "height_mm", "width_px", "height_px", "dpi")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WEB_LINK = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


def _check_manifest(directory: Path, path: Path, manifest: dict) -> None:
    """Types of every field the page uses; every file path inside `directory`, links only http(s)."""

    def fail(where: str, problem: str) -> InputError:
        return InputError(f"{path}：{where} {problem}", hint="manifest.json 应由 qmposter build 写出；请重新运行 build")

    campaign = manifest.get("campaign")
    if isinstance(campaign, dict) and not isinstance(campaign.get("name", ""), str):
        raise fail("campaign.name", "应是字符串")
    if campaign is not None and not isinstance(campaign, dict | str):
        raise fail("campaign", "应是对象")
    for key in ("skipped", "failed"):
        value = manifest.get(key) or []
        if not isinstance(value, list) or not all(isinstance(s, dict) for s in value):
            raise fail(key, "应是对象的列表")
    for index, item in enumerate(manifest["items"]):
        where = f"items[{index}]"
        if not isinstance(item, dict):
            raise fail(where, f"应是对象，而不是 {type(item).__name__}")
        for field in _TEXT_FIELDS:
            if not isinstance(item.get(field, ""), str):
                raise fail(f"{where}.{field}", "应是字符串")
        if not isinstance(item.get("unit") or "", str):
            raise fail(f"{where}.unit", "应是字符串")
        for field in _NUMBER_FIELDS:
            value = item.get(field)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise fail(f"{where}.{field}", "应是数")
        link = item.get("path", "")
        if not link:
            raise fail(f"{where}.path", "为空")
        if _SCHEME.match(link) and not _WEB_LINK.match(link):
            raise fail(f"{where}.path", f"= {link!r}：只允许文件夹内的相对路径或 http(s) 网址")
        if not _SCHEME.match(link) and not _inside(directory, link):
            raise fail(f"{where}.path", f"= {link!r} 指向输出文件夹之外")


def _inside(directory: Path, relative: str) -> bool:
    """True when `relative` names a place inside `directory` (after .., symlinks, absolute paths, and
    backslashes, which Windows reads as separators)."""
    if "\0" in relative or "\\" in relative or relative.startswith("/") or Path(relative).is_absolute():
        return False
    root = directory.resolve()
    try:
        return (root / relative).resolve().is_relative_to(root)
    except (OSError, ValueError):
        return False


def _is_file_link(link: str) -> bool:
    return not _SCHEME.match(link)


def _thumb_name(item: dict) -> str:
    """The thumbnail's file name: the output's hash when it is one, else a hash of what the item says."""
    digest = str(item.get("sha256", ""))
    if re.fullmatch(r"[0-9a-f]{16,64}", digest):
        return digest[:16]
    return hashlib.sha256(f"{digest}\0{item.get('path', '')}".encode()).hexdigest()[:16]


def _href(link: str) -> str:
    """A link for an href attribute: file paths percent-encoded (# % and marks in unit names), escaped."""
    return escape(link if not _is_file_link(link) else quote(link, safe="/"))


def build_gallery(directory: Path, *, template_titles: dict[str, str] | None = None) -> GalleryResult:
    """Write `directory`/index.html (and thumbnails) from its manifest."""
    manifest = read_manifest(directory)
    titles = template_titles or {}
    cards = _cards(directory, manifest["items"], titles)
    thumbs = sum(1 for card in cards if card.thumb)
    html = render_html(manifest, cards)
    atomic_write_bytes(directory / PAGE_FONT, page_font(html))
    index = directory / "index.html"
    atomic_write_bytes(index, html.encode("utf-8"))
    return GalleryResult(index=index, cards=len(cards), thumbnails=thumbs)


def _cards(directory: Path, items: list[dict], titles: dict[str, str]) -> list[GalleryCard]:
    grouped: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for item in items:
        key = (str(item.get("template", "")), str(item.get("slogan_id", "")), str(item.get("unit") or ""))
        grouped[key].append(item)
    cards = []
    for (template, slogan_id, unit), group in grouped.items():
        files = tuple(sorted((str(i.get("format", "")), str(i.get("path", ""))) for i in group))
        raster = next((i for i in group if str(i.get("format", "")).lower() in RASTER_FORMATS), None)
        thumb = _thumbnail(directory, raster) if raster else None
        first = group[0]
        cards.append(
            GalleryCard(
                template=template,
                template_title=titles.get(template, template),
                slogan_id=slogan_id,
                text=str(first.get("text", "")),
                unit=unit,
                files=files,
                thumb=thumb,
                size_label=_size_label(first),
            )
        )
    return cards


def _size_label(item: dict) -> str:
    width_mm, height_mm = item.get("width_mm"), item.get("height_mm")
    if item.get("format") in RASTER_FORMATS and str(item.get("dpi", "")) in ("72", "72.0"):
        return f"{item.get('width_px')}×{item.get('height_px')} 像素"
    if width_mm and height_mm:
        return f"{float(width_mm):g}×{float(height_mm):g} 毫米"
    return ""


def _thumbnail(directory: Path, item: dict) -> str | None:
    """A small JPEG of a raster product, named by its content hash so reruns reuse it."""
    link = str(item.get("path", ""))
    if not _is_file_link(link):
        return None
    source = directory / link
    relative = f"{THUMB_DIR}/{_thumb_name(item)}.jpg"
    target = directory / relative
    if target.is_file():
        return relative
    try:
        with open_image(source, ("PNG", "JPEG"), decode=True) as image:
            picture = image.convert("RGB")
    except InputError:
        return None  # a missing or broken output: the card says 无预览图
    picture.thumbnail((THUMB_MAX_PX, THUMB_MAX_PX), Image.Resampling.LANCZOS)
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=85, optimize=True)
    atomic_write_bytes(target, buffer.getvalue())
    return relative


def page_font(html: str) -> bytes:
    """The bundled regular 黑体 subset to the characters of `html` (a few hundred KB at most).

    Review machines on an intranet may have no Chinese font at all (a Linux server, a kiosk):
    the page carries the glyphs it needs, like everything else it shows, and works offline.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from qmposter.fonts import font_for_role

    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep copyright and licence records (OFL)
    # Keep head.modified as in the bundled file: fontTools stamps the save time otherwise,
    # and the gallery must be byte-identical from run to run.
    font = TTFont(font_for_role("heiti", 400).path, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(html))))
    subsetter.subset(font)
    buffer = BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def render_html(manifest: dict, cards: list[GalleryCard]) -> str:
    """The whole index.html as one string: inline CSS and script, escaped texts."""
    campaign = manifest.get("campaign")
    campaign_name = campaign.get("name", "") if isinstance(campaign, dict) else str(campaign or "")
    templates = sorted({(c.template, c.template_title) for c in cards})
    units = sorted({c.unit for c in cards if c.unit})
    skipped = manifest.get("skipped") or []
    parts = [
        _HEAD.replace("{title}", escape(f"{campaign_name} 宣传品预览" if campaign_name else "宣传品预览")),
        f"<h1>{escape(campaign_name) if campaign_name else '宣传品预览'}</h1>",
        f'<p class="summary">共 {len(cards)} 件宣传品，{len(manifest["items"])} 个文件'
        + (f"，跳过 {len(skipped)} 项" if skipped else "")
        + (f"（qmposter {escape(str(manifest.get('version', '')))}）" if manifest.get("version") else "")
        + "</p>",
        _controls(templates, units),
        '<section id="by-template">',
        *(_group_html("template", t, title, [c for c in cards if c.template == t]) for t, title in templates),
        "</section>",
        '<section id="by-slogan" hidden>',
        *(
            _group_html("slogan", sid, text, [c for c in cards if c.slogan_id == sid])
            for sid, text in _slogans_in_order(cards)
        ),
        "</section>",
        _skipped_html(skipped),
        _SCRIPT,
        "</body></html>\n",
    ]
    return "\n".join(parts)


def _slogans_in_order(cards: list[GalleryCard]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for card in cards:
        seen.setdefault(card.slogan_id, card.text)
    return list(seen.items())


def _controls(templates: list[tuple[str, str]], units: list[str]) -> str:
    template_options = "".join(
        f'<option value="{escape(name)}">{escape(title)}</option>' for name, title in templates
    )
    unit_select = ""
    if units:
        unit_options = "".join(f'<option value="{escape(u)}">{escape(u)}</option>' for u in units)
        unit_select = f'<label>单位 <select id="unit"><option value="">全部</option>{unit_options}</select></label>'
    return (
        '<div class="controls">'
        '<label>分组 <select id="view"><option value="by-template">按模板</option>'
        '<option value="by-slogan">按口号</option></select></label>'
        f'<label>模板 <select id="template"><option value="">全部</option>{template_options}</select></label>'
        f"{unit_select}"
        '<label>搜索 <input id="q" type="search" placeholder="口号文字、编号或模板名"></label>'
        '<span id="count"></span></div>'
    )


def _group_html(kind: str, key: str, heading: str, cards: list[GalleryCard]) -> str:
    body = "".join(_card_html(card) for card in cards)
    label = escape(heading)
    sub = f' <small>{escape(key)}</small>' if heading != key else ""
    return f'<div class="group" data-{kind}="{escape(key)}"><h2>{label}{sub}</h2><div class="cards">{body}</div></div>'


def _card_html(card: GalleryCard) -> str:
    search = " ".join((card.text, card.slogan_id, card.template, card.template_title, card.unit)).lower()
    first_link = card.files[0][1] if card.files else ""
    picture = (
        f'<a href="{_href(first_link)}"><img loading="lazy" src="{escape(card.thumb)}" alt="{escape(card.text)}"></a>'
        if card.thumb
        else '<div class="nothumb">无预览图</div>'
    )
    links = " ".join(f'<a href="{_href(path)}">{escape(fmt.upper())}</a>' for fmt, path in card.files)
    unit = f'<div class="unit">{escape(card.unit)}</div>' if card.unit else ""
    return (
        f'<figure class="card" data-template="{escape(card.template)}" data-unit="{escape(card.unit)}" '
        f'data-search="{escape(search)}">{picture}<figcaption><div class="text">{escape(card.text)}</div>'
        f'<div class="meta">{escape(card.template_title)} · {escape(card.slogan_id)}'
        f"{' · ' + escape(card.size_label) if card.size_label else ''}</div>{unit}"
        f'<div class="links">{links}</div></figcaption></figure>'
    )


def _skipped_html(skipped: list) -> str:
    if not skipped:
        return ""
    rows = "".join(
        f"<tr><td>{escape(str(s.get('template', '')))}</td><td>{escape(str(s.get('slogan_id', '')))}</td>"
        f"<td>{escape(str(s.get('reason', '')))}</td></tr>"
        for s in skipped
        if isinstance(s, dict)
    )
    return f'<h2>跳过的项目</h2><table class="skipped"><tr><th>模板</th><th>口号</th><th>原因</th></tr>{rows}</table>'


_HEAD = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
@font-face{font-family:"qmposter page";src:url(".gallery/page-font.ttf") format("truetype")}
body{font-family:"qmposter page","Noto Sans SC","PingFang SC",sans-serif;margin:24px;
 color:#222;background:#f4f4f2}
select,input{font:inherit}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:24px 0 8px;border-bottom:2px solid #c8102e;padding-bottom:4px}
h2 small{color:#888;font-weight:normal;font-size:12px;margin-left:8px}
.summary{color:#555;margin:0 0 16px}
.controls{position:sticky;top:0;background:#f4f4f2;padding:8px 0;display:flex;gap:16px;flex-wrap:wrap;
 align-items:center;z-index:1;border-bottom:1px solid #ddd}
.controls input{width:16em}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{margin:0;background:#fff;border:1px solid #ddd;border-radius:4px;width:240px;padding:8px;box-sizing:border-box}
.card img{max-width:100%;max-height:240px;display:block;margin:0 auto;background:#eee}
.nothumb{height:120px;display:flex;align-items:center;justify-content:center;color:#999;background:#eee}
.text{font-weight:bold;margin-top:6px;line-height:1.4}.meta,.unit{color:#666;font-size:12px;margin-top:2px}
.links{margin-top:4px;font-size:13px}.links a{margin-right:8px;color:#c8102e}
table.skipped{border-collapse:collapse;background:#fff}table.skipped td,table.skipped th{border:1px solid #ddd;
 padding:4px 8px;text-align:left}
</style></head><body>"""

_SCRIPT = """<script>
(function(){
  var view=document.getElementById('view'),tpl=document.getElementById('template'),
      unit=document.getElementById('unit'),q=document.getElementById('q'),count=document.getElementById('count');
  function apply(){
    var v=view.value,t=tpl.value,u=unit?unit.value:'',s=q.value.trim().toLowerCase(),shown=0;
    ['by-template','by-slogan'].forEach(function(id){document.getElementById(id).hidden=(id!==v);});
    var section=document.getElementById(v);
    section.querySelectorAll('.group').forEach(function(g){
      var any=false;
      g.querySelectorAll('.card').forEach(function(c){
        var ok=(!t||c.dataset.template===t)&&(!u||c.dataset.unit===u)&&(!s||c.dataset.search.indexOf(s)>=0);
        c.hidden=!ok; if(ok){any=true;shown++;}
      });
      g.hidden=!any;
    });
    count.textContent='显示 '+shown+' 件';
  }
  [view,tpl,unit,q].forEach(function(el){if(el){el.addEventListener('input',apply);el.addEventListener('change',apply);}});
  apply();
})();
</script>"""
