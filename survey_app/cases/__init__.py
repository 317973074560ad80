"""VOC cases (고객의 소리 처리): rules that open cases from survey answers, manual intake and the API,
the SLA clock on the Korean business-day calendar, the state machine, routing, replies and follow-up."""
