"""Words of the data page (数据) and of the stale-data banner every page may show."""

TEXT: dict[str, tuple[str, str]] = {
    "data": ("数据", "Data"),
    "data_scope": (
        "本页说明全市在用数据的来源与新鲜度，不随侧栏所选周次和区县变化。时间均为北京时间。",
        "This page tells where the whole city's data in use comes from and how fresh it is; the "
        "week and district chosen in the sidebar do not change it. Times are Beijing time.",
    ),
    "data_how_to_import": (
        "导入数据：由数据负责人在服务器上运行 `safetynet import 路径… [--as-of 日期] "
        "[--replace 表] [--drop-personal]`（Excel、CSV 或 Parquet 文件，或其所在目录）。"
        "本应用不提供上传：每次导入都经过同样的校验，并持有同一把构建锁，一次只有一个导入写入数据；"
        "有任何问题即整批不写入，仍使用原有数据。",
        "To import data, the data owner runs `safetynet import PATH… [--as-of DATE] "
        "[--replace TABLE] [--drop-personal]` on the server (Excel, CSV or Parquet files, or "
        "their folders). The app offers no upload, so that every import goes through the same "
        "checks and holds the same build lock, one import at a time; an import with any problem "
        "writes nothing and the data in use stays as it was.",
    ),
    # --- freshness ---------------------------------------------------------------------------
    "data_freshness": ("各表数据新鲜度", "Freshness of every table"),
    "data_freshness_caption": (
        "每个原始表一行：在用数据仓库中的行数，主要日期（隐患发现日期、巡查周、演练培训日期、"
        "吹哨时间、队伍成立日期、风险评估日期；巡查按周记录，日期为该周周一）覆盖的时段，"
        "最近一次导入该表的时间与数据版本。数据截至{day}。",
        "One row per raw table: its rows in the warehouse in use, the period its main date covers "
        "(hazards found, patrol weeks by their Monday, drills held, whistle calls, teams "
        "founded, risk assessments), and when the table was last imported, with its data "
        "version. Data as of {day}.",
    ),
    "data_freshness_none": (
        "“—”表示该表没有主要日期，或在保留的数据版本中从未导入。",
        "“—”: the table has no main date, or no kept data version imported it.",
    ),
    "data_span_title": ("各表日期覆盖时段", "The period each table's dates cover"),
    "data_span_tip": ("{first}—{last}", "{first} – {last}"),
    "data_as_of_line": ("数据截至 {day}", "as of {day}"),
    "data_demo": ("演示数据", "Demo data"),
    "data_folder": ("目录 {name}", "folder {name}"),
    "col_data_table": ("表", "Table"),
    "col_data_key": ("表名（导入用）", "Table key"),
    "col_data_rows": ("行数", "Rows"),
    "col_data_first": ("最早日期", "First date"),
    "col_data_last": ("最晚日期", "Last date"),
    "col_data_imported": ("最近导入", "Last imported"),
    "col_data_version": ("数据版本", "Data version"),
    "col_data_as_of": ("数据截至", "Data as of"),
    # --- the last import ---------------------------------------------------------------------
    "data_import_title": ("最近一次导入", "The last import"),
    "data_import_none": (
        "尚未导入过数据：在用的是{source}。导入方法见本页顶部（`safetynet import 文件…`）；"
        "每次导入的报告都会显示在这里。",
        "No data has been imported yet (the data in use: {source}). How to import is at the top "
        "of this page (`safetynet import FILE…`); every import's report shows here.",
    ),
    "data_import_ok": (
        "导入成功（{at}）：数据版本 {raw}，数据仓库 {warehouse}。",
        "Import succeeded ({at}): data version {raw}, warehouse {warehouse}.",
    ),
    "data_import_failed": (
        "导入未完成（{at}）：共{n}处问题，未写入任何数据，仍在使用原有数据。",
        "Import not completed ({at}): {n} problems; nothing was written and the data in use is "
        "unchanged.",
    ),
    "data_import_workbook": (
        "完整报告另存为 Excel：{name}（在导入文件旁，或数据目录的 imports/ 下）。",
        "The full report was also saved as {name} (next to the imported files, or under imports/ "
        "in the data folder).",
    ),
    "data_import_files": ("各文件", "Files"),
    "data_import_files_note": (
        "以下为导入报告原文。",
        "As the import report writes them (in Chinese).",
    ),
    "data_findings": ("问题清单", "Problems found"),
    "data_findings_caption": (
        "导入发现的每处问题：所在文件、工作表、行、列与值，以及修改方法；“行数”为该条代表的行数"
        "（同类问题过多时合并为一条）。共{n}条。",
        "Every problem the import found: its file, sheet, row, column and value, and how to fix "
        "it; “Rows” is how many rows the line stands for (many alike are summed up in one). "
        "{n} lines.",
    ),
    "data_findings_none": ("本次导入没有发现问题。", "The import found no problem."),
    "col_data_file": ("文件", "File"),
    "col_data_sheet": ("工作表", "Sheet"),
    "col_data_line": ("行", "Row"),
    "col_data_header": ("列", "Column"),
    "col_data_value": ("值", "Value"),
    "col_data_problem": ("问题", "Problem"),
    "col_data_fix": ("修改方法", "How to fix"),
    "col_data_count": ("行数", "Rows"),
    # --- versions ----------------------------------------------------------------------------
    "data_versions": ("数据版本", "Versions"),
    "data_versions_caption": (
        "保留的数据仓库，新的在前；“在用”为当前使用的一个。可用 `safetynet rollback 版本` "
        "回到较早的版本。共{n}个；在用数据截至{day}。",
        "The warehouses kept, newest first; “in use” marks the one served. `safetynet rollback "
        "VERSION` goes back to an earlier one. {n} kept; the data in use is as of {day}.",
    ),
    "data_in_use": ("在用", "in use"),
    "data_rows_in_file": ("{name} {n}行", "{name} {n} rows"),
    "col_data_served": ("在用", "In use"),
    "col_data_warehouse": ("数据仓库文件", "Warehouse file"),
    "col_data_built": ("生成时间", "Built"),
    "col_data_source": ("来源", "Source"),
    "col_data_user": ("导入人", "Imported by"),
    "col_data_files": ("导入的文件", "Files imported"),
    # --- the data dictionary and the templates -----------------------------------------------
    "data_dictionary": ("数据字典", "Data dictionary"),
    "data_dictionary_table": ("表", "Table"),
    "data_dictionary_caption": (
        "「{name}」（{table}）的每一列：模板表头、字段、含义、类型、单位、是否必填、可填的值、示例，"
        "以及导入时也认得的其他表头。与模板中“数据字典”工作表一致。共{n}列。",
        "Every column of {name} ({table}): the template's header, the field, its meaning, type, "
        "unit, whether it is required, the values allowed, an example and the other headers an "
        "import also reads. The same as the templates' 数据字典 sheet, in Chinese as the files "
        "are filled in. {n} columns.",
    ),
    "col_dict_header": ("表头", "Header"),
    "col_dict_field": ("字段", "Field"),
    "col_dict_meaning": ("含义", "Meaning"),
    "col_dict_type": ("类型", "Type"),
    "col_dict_unit": ("单位", "Unit"),
    "col_dict_required": ("必填", "Required"),
    "col_dict_allowed": ("可填的值", "Allowed values"),
    "col_dict_example": ("示例", "Example"),
    "col_dict_aliases": ("其他写法", "Other headers"),
    "data_templates": ("导入模板", "Templates"),
    "data_templates_caption": (
        "每个表一个 Excel 模板（共{n}个，打包为 zip）：中文表头、下拉选项，第二个工作表为数据字典。"
        "填好后用 `safetynet import` 导入。",
        "One Excel template per table ({n}, in one zip): Chinese headers, drop-down lists, and "
        "the data dictionary on a second sheet. Fill them in and import them with "
        "`safetynet import`.",
    ),
    "data_templates_download": ("下载全部模板（zip）", "Download all templates (zip)"),
    # --- the stale-data banner (ui.header) ---------------------------------------------------
    "stale_banner": (
        "数据可能已过时：数据截至{day}，距今已{days}天（超过{limit}天即提示）。请导入新数据。",
        "The data may be out of date: it is as of {day}, {days} days ago (this shows after "
        "{limit} days). Please import new data.",
    ),
    "stale_open_data": ("查看数据来源与导入方法", "Where the data comes from, and how to import"),
}
