"""生成: start a build, follow its progress, cancel it, browse and download the results."""

from __future__ import annotations

import mimetypes

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from qmposter.errors import InputError, QmposterError
from qmposter.studio.downloads import Selection, build_parts, build_zip
from qmposter.studio.routes.common import checked_form, json_error, studio_of
from qmposter.studio.security import inside, save_upload
from qmposter.studio.views import page
from qmposter.unit_list import load_units


async def show(request: Request) -> Response:
    studio = studio_of(request)
    context: dict = {"active": "build", "state": studio.jobs.state.to_json(), "templates": [], "units": []}
    try:
        if studio.units_path.is_file():
            context["unit_names"] = [unit.name for unit in load_units(studio.units_path)]
        out = studio.out_dir(studio.campaign())
        context["out"] = str(out)
        if (out / "manifest.json").is_file():
            context["templates"], context["units"] = build_parts(out)
            context["gallery"] = (out / "index.html").is_file()
    except QmposterError as error:
        context["error"] = str(error)
    return page(request, "build.html", context)


async def units(request: Request) -> Response:
    """Upload (or remove) the units list: checked with `load_units` before it replaces the old one."""
    studio = studio_of(request)
    form = await checked_form(request)
    upload = form.get("units")
    try:
        if form.get("remove") == "1":
            studio.units_path.unlink(missing_ok=True)
        elif isinstance(upload, UploadFile) and upload.filename:
            candidate = await save_upload(upload, studio.folder / ".units-upload.csv", studio.upload_limit)
            try:
                load_units(candidate)
            except QmposterError as error:  # name the file the person chose, not our scratch copy
                candidate.unlink(missing_ok=True)
                raise type(error)(error.message.replace(str(candidate), upload.filename), hint=error.hint) from None
            candidate.replace(studio.units_path)
        else:
            raise InputError("没有收到单位表：请选择 CSV 文件。")
    except QmposterError as error:
        return page(request, "build.html", {"active": "build", "state": studio.jobs.state.to_json(),
                                            "templates": [], "units": [], "error": str(error)}, 400)  # fmt: skip
    return RedirectResponse("/build", status_code=303)


async def start(request: Request) -> Response:
    studio = studio_of(request)
    form = await checked_form(request)
    try:
        campaign, _ = studio.checked_campaign()  # contradictions stop the build, as on the command line
        request_ = studio.build_request(campaign, force=form.get("force") == "1")
        studio.jobs.start(request_)
    except QmposterError as error:
        return json_error(error, 409)
    return JSONResponse(studio.jobs.state.to_json())


async def status(request: Request) -> Response:
    return JSONResponse(studio_of(request).jobs.state.to_json(), headers={"Cache-Control": "no-store"})


async def cancel(request: Request) -> Response:
    studio = studio_of(request)
    await checked_form(request)
    studio.jobs.cancel()
    return JSONResponse(studio.jobs.state.to_json())


async def zip_download(request: Request) -> Response:
    studio = studio_of(request)
    selection = Selection(request.query_params.get("kind", "all"), request.query_params.get("value", ""))
    try:
        if selection.kind not in ("all", "template", "unit"):
            raise InputError("下载范围应为全部、一个模板或一个单位。")
        data = build_zip(studio.out_dir(studio.campaign()), selection)
    except QmposterError as error:
        return json_error(error, 404)
    quoted = selection.file_name.encode("utf-8").hex("%", 1).upper()
    headers = {"Content-Disposition": f"attachment; filename=\"kit.zip\"; filename*=UTF-8''%{quoted}"}
    return Response(data, media_type="application/zip", headers=headers)


async def output_file(request: Request) -> Response:
    """A file of the build (the gallery page and its pictures), only from inside the output folder."""
    studio = studio_of(request)
    try:
        path = inside(studio.out_dir(studio.campaign()), request.path_params["path"])
    except QmposterError as error:
        return json_error(error, 404)
    if not path.is_file():
        return Response("没有这个文件。", status_code=404, media_type="text/plain; charset=utf-8")
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Response(path.read_bytes(), media_type=kind)
