"""The Excel workbook layout (XLSForm-like): sheets, columns, and how cells spell values."""

from __future__ import annotations

SETTINGS, SURVEY, CHOICES, SCALES, SCORING = "settings", "survey", "choices", "scales", "scoring"
SHEETS = (SETTINGS, SURVEY, CHOICES, SCALES, SCORING)
REQUIRED_SHEETS = (SETTINGS, SURVEY)

PAGE, ROW = "page", "row"

SETTING_KEYS = ("format", "code", "version", "kind", "title::ko", "title::en",
                "description::ko", "description::en", "closing::ko", "closing::en")

# column name -> Korean note shown as a comment on the header cell
COLUMNS: dict[str, dict[str, str]] = {
    SETTINGS: {
        "setting": "설정 이름 (code, version, kind, title::ko ...)",
        "value": "설정 값",
    },
    SURVEY: {
        "type": "행 유형: page(페이지 시작), 문항 유형(예: likert agree7, single_choice yes_no), row(행렬의 행), hidden",
        "name": "코드: 영문자로 시작, 영문자·숫자·_ (예: Q1, SQ3_2)",
        "label::ko": "문항 글(한국어). page 행이면 페이지 제목",
        "label::en": "문항 글(영어)",
        "hint::ko": "도움말(한국어). page 행이면 페이지 설명",
        "hint::en": "도움말(영어)",
        "required": "필수 응답 여부: yes 또는 no (비우면 yes)",
        "show_if": "이 조건이 참일 때만 보입니다 (예: Q1 == 1)",
        "skip_if": "이 조건이 참이면 건너뜁니다 (예: Q2 in [1, 2])",
        "calculation": "computed 문항의 계산식 (예: mean(score(Q1_1), score(Q1_2)))",
        "source": "hidden 항목을 채우는 배포 값 (office_code, channel, agent_id, call_id, customer_type ...)",
        "randomize": "선택지·행 순서를 응답자마다 섞기: yes",
        "min": "숫자 문항의 최솟값",
        "max": "숫자 문항의 최댓값",
        "integer": "정수만 받기: yes",
        "unit::ko": "숫자 단위(한국어, 예: 회)",
        "unit::en": "숫자 단위(영어)",
        "min_selected": "복수 선택·순위 문항의 최소 선택 수",
        "max_selected": "복수 선택·순위 문항의 최대 선택 수",
        "dimension": "채점 차원 코드 (scoring 시트의 dimension)",
        "reverse": "역코딩 문항: yes",
        "weight": "차원 안에서의 문항 가중치 (비우면 1)",
        "kpi": "KPI 역할: nps, csat, ces, overall, repurchase, resolution",
        "checklist": "친절도 체크리스트 코드 (체크리스트가 여럿일 때)",
        "stage": "친절도 단계: 맞이, 응대, 마무리, 전체",
        "points": "친절도 배점 (체크리스트별 합계가 총점과 같아야 합니다)",
    },
    CHOICES: {
        "list_name": "선택지 목록 이름 (survey 시트 type 열에서 씁니다)",
        "value": "저장되는 값 (정수 또는 글자)",
        "label::ko": "선택지 글(한국어)",
        "label::en": "선택지 글(영어)",
        "na": "모름/해당없음(점수에서 제외): yes",
        "exclusive": "복수 선택에서 이것만 고를 수 있음(예: 없음): yes",
        "other": "기타(직접 입력) 칸을 붙임: yes",
    },
    SCALES: {
        "scale_name": "척도 이름 (survey 시트 type 열에서 씁니다)",
        "value": "척도 값: 시작 값부터 1씩 빠짐없이 (예: 1~7)",
        "label::ko": "척도 라벨(한국어, 비우면 라벨 없음)",
        "label::en": "척도 라벨(영어)",
        "na": "모름/해당없음 값(척도 밖 값, 예: 9): yes",
    },
    SCORING: {
        "type": "dimension(차원), index(지수), weight(지수 가중치), checklist(친절도 체크리스트)",
        "name": "코드. weight 행이면 차원 코드",
        "label::ko": "이름(한국어)",
        "label::en": "이름(영어)",
        "index": "weight 행이 속한 지수 코드",
        "weight": "weight 행의 가중치",
        "total": "index: 가중치 합계(비우면 1) / checklist: 총점(비우면 100)",
        "method": ("index 계산 방식: mean100(100점 환산 평균) 또는 top2box / "
                   "checklist 점수 규칙: linear(비우면, 최저 등급 0점~최고 등급 배점 전부) 또는 proportional"),
    },
}

KEY_COLUMN = {SETTINGS: "setting", SURVEY: "type", CHOICES: "list_name", SCALES: "scale_name", SCORING: "type"}

SCORING_COLUMNS = ("dimension", "reverse", "weight", "kpi", "checklist", "stage", "points")

TRUE_WORDS = {"yes", "y", "true", "1", "예", "네", "o", "필수"}
FALSE_WORDS = {"no", "n", "false", "0", "아니오", "아니요", "x"}


def cell_bool(value: object) -> bool | None:
    """Read a yes/no cell (None when the cell does not spell a yes or no)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    return None


def is_ignored_name(name: str) -> bool:
    """Sheets and columns starting with '#' or '_' are notes for people, not data."""
    return name.startswith(("#", "_"))
