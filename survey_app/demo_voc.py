"""Believable Korean VOC comments for the demo's open-ended answers, so its 고객의 소리 분석 shows real themes.

Each comment is a sentence of one theme (delivery delays, lost parcels, staff manner, fees, the online
shop, the app, praise, questions), picked with weights that follow the respondent's satisfaction (content
respondents praise, unhappy ones complain); each office leans to one complaint of its own (so its words
stand out), and the second wave brings a new theme — the app update that broke sign-in — which the
analysis page finds as emerging words. Some comments carry a telephone number or a staff member's name,
which the analysis masks. Deterministic for a given random generator.
"""
from __future__ import annotations

import random
import zlib

__all__ = ["begin_wave", "comment", "THEMES"]

THEMES: dict[str, tuple[str, ...]] = {
    "delay": ("택배가 예정일보다 사흘이나 늦게 도착했어요.", "등기우편이 일주일 넘게 걸려서 서류 마감을 놓칠 뻔했습니다.",
              "배송 조회가 며칠째 같은 곳에 멈춰 있어서 답답했어요.", "명절 선물 택배가 늦게 와서 민망했습니다.",
              "도착 예정 문자는 왔는데 실제로는 이틀 뒤에 왔어요.", "시골이라 그런지 소포가 항상 늦게 와요.",
              "빠른등기로 보냈는데 일반우편만큼 느렸어요."),
    "damage": ("상자가 찌그러진 채로 와서 안에 있던 그릇이 깨졌어요.", "소포가 비에 젖어서 옷에 얼룩이 생겼습니다.",
               "보낸 등기가 중간에 분실돼서 다시 발급받느라 고생했어요.", "파손 보상 신청 절차가 너무 복잡했습니다.",
               "포장을 뜯은 흔적이 있고 물건 하나가 없었어요."),
    "misdelivery": ("택배가 옆 동으로 잘못 배달됐어요.", "집에 있었는데 부재중이라며 반송 처리됐습니다.",
                    "다른 집 우편물이 자꾸 우리 우편함에 들어와요.", "주소가 맞는데 수취인 불명으로 돌아왔어요."),
    "wait": ("창구 대기 시간이 너무 길었습니다. 창구를 더 열어 주시면 좋겠어요.", "점심시간에 창구가 하나만 열려 있어서 오래 기다렸어요.",
             "번호표 안내 방송이 잘 들리지 않았습니다.", "무인 접수기 사용법이 어려워서 한참 헤맸어요."),
    "staff_bad": ("창구 직원이 설명을 퉁명스럽게 해서 기분이 상했어요.", "직원분이 바빠 보이긴 했지만 응대가 너무 사무적이었어요.",
                  "상담 전화 연결까지 오래 걸리고 상담원도 성의가 없었습니다.", "어르신께 짜증 섞인 말투로 대하는 걸 봤어요."),
    "fee": ("소포 요금이 작년보다 많이 올라서 부담됩니다.", "환불 신청한 지 2주가 지났는데 아직 입금이 안 됐어요.",
            "착불 요금이 안내받은 것보다 많이 나왔어요.", "카드 결제가 두 번 돼서 취소하느라 번거로웠습니다."),
    "shop": ("우체국쇼핑에서 산 사과가 멍들어 있었어요.", "우체국쇼핑 한우 선물세트 품질이 기대보다 떨어졌어요.",
             "우체국쇼핑 귤이 반은 물러서 왔습니다.", "우체국쇼핑 주문을 취소했는데 그대로 발송됐어요."),
    "online": ("인터넷우체국에서 방문접수 예약하다가 결제 오류가 났어요.", "우체국앱 배송 조회 화면이 자주 멈춰요.",
               "인터넷우체국 본인인증 문자가 늦게 와서 불편했어요."),
    "app_update": ("우체국앱 업데이트 후로 로그인이 계속 안 돼요.", "앱 업데이트 이후 간편 로그인이 튕겨서 예약을 못 했어요.",
                   "업데이트하고 나서 우체국앱이 실행하자마자 꺼집니다.", "앱 업데이트 뒤로 택배 예약 화면에서 오류가 나요."),
    "praise": ("창구 직원분이 친절하게 포장 방법을 알려 주셔서 감사했습니다.", "집배원님이 늘 밝게 인사해 주셔서 기분이 좋아요.",
               "택배 접수가 빠르고 편리했습니다.", "상담원분이 차근차근 설명해 주셔서 금방 해결했어요.",
               "항상 친절하게 응대해 주셔서 감사합니다.", "무거운 소포를 차까지 옮겨 주셔서 고마웠어요.",
               "등기 조회 방법을 자세히 알려 주셔서 감사합니다."),
    "question": ("토요일에도 여는 우체국이 있는지 궁금합니다.", "주차 공간이 좁아서 조금 불편했어요.",
                 "우체국 알뜰폰 가입은 어디서 하나요?", "특별히 불편한 점은 없었습니다."),
}
#: Complaints an office may lean to (its distinguishing words on the analysis page).
LEANINGS = ("delay", "damage", "misdelivery", "wait", "staff_bad", "fee")
NAMES = ("김민수", "이지은", "박서준", "최유진")
_wave = {"index": 0}


def begin_wave(index: int) -> None:
    """Comments from now on are the demo's ``index``-th wave's (0 first); the second brings the app-update theme."""
    _wave["index"] = index


def _weights(satisfaction: float, office: str) -> dict[str, float]:
    unhappy = max(0.2, 1.0 - 0.45 * satisfaction)
    weights = {"praise": max(0.3, 1.0 + 0.8 * satisfaction), "question": 0.6, "online": 0.5 * unhappy,
               "shop": 0.4 * unhappy, **{theme: 0.5 * unhappy for theme in LEANINGS}}
    weights[LEANINGS[zlib.crc32(office.encode()) % len(LEANINGS)]] += 2.0 * unhappy
    if _wave["index"] >= 1:
        weights["app_update"] = 1.2 * unhappy
    return weights


def comment(satisfaction: float, hidden: dict, rng: random.Random) -> str:
    """One comment of a respondent with this latent ``satisfaction`` and link values (office_code)."""
    weights = _weights(satisfaction, str(hidden.get("office_code", "")))
    theme = rng.choices(list(weights), weights=list(weights.values()))[0]
    text = rng.choice(THEMES[theme])
    roll = rng.random()
    if theme == "praise" and roll < 0.08:
        text = f"창구의 {rng.choice(NAMES)} 주무관님이 친절하게 도와주셔서 감사했습니다."
    elif theme in LEANINGS and roll < 0.04:
        text += f" 처리 결과는 010-{rng.randint(2000, 9999)}-{rng.randint(1000, 9999)}로 연락 부탁드립니다."
    elif theme != "praise" and roll < 0.2:
        text += rng.choice((" 개선 부탁드립니다.", " 신경 써 주세요.", " ㅠㅠ", " 빠른 조치 바랍니다."))
    return text
