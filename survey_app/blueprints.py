"""Every blueprint of the app, registered by ``create_app`` in one order (flaskr's shape)."""
from __future__ import annotations

from flask import Flask

from .accounts.views import bp as account_bp
from .admin import bp as admin_bp
from .api import bp as api_bp
from .cases import bp as cases_bp
from .courtesy import bp as courtesy_bp
from .customers.import_views import bp as customer_imports_bp
from .customers.request_views import bp as customers_bp
from .designer import bp as designer_bp
from .distribution.views import register_blueprints as register_distribution
from .extensions import csrf
from .manage import bp as manage_bp
from .privacy.views import bp as contacts_bp
from .respond import bp as respond_bp
from .results.attitude_views import bp as attitudes_bp
from .results.export_personal import bp as result_exports_personal_bp
from .results.export_views import bp as result_exports_bp
from .results.settings_views import bp as result_settings_bp
from .results.subscription_views import bp as report_subscriptions_bp
from .results.views import bp as results_bp
from .retention.views import bp as retention_bp
from .voc import bp as voc_bp
from .voc.case_topic import bp as voc_cases_bp


def register_blueprints(app: Flask) -> None:
    """Register the blueprints; the order decides which of two equal rules wins, so keep it."""
    csrf.exempt(api_bp)  # the API authenticates with keys, never with cookies
    for blueprint in (respond_bp, manage_bp, account_bp, contacts_bp, admin_bp, api_bp):
        app.register_blueprint(blueprint)
    register_distribution(app)  # staff distribution screens and the public 수신거부 page
    app.register_blueprint(results_bp)  # staff results pages (/manage/results)
    app.register_blueprint(result_exports_bp)  # the results' Excel workbook download
    app.register_blueprint(attitudes_bp)  # 태도 세분 of a wave (/manage/results/waves/<id>/attitudes)
    app.register_blueprint(result_exports_personal_bp)  # ... unmasked, with a stated purpose
    app.register_blueprint(report_subscriptions_bp)  # scheduled report e-mails of a survey
    app.register_blueprint(result_settings_bp)  # a survey's targets per index and weighting margins
    app.register_blueprint(voc_bp)  # 고객의 소리 분석 of a wave (/manage/results/waves/<id>/voc)
    for blueprint in (designer_bp, courtesy_bp):  # survey designer, courtesy evaluations (/manage)
        app.register_blueprint(blueprint)
    app.register_blueprint(customers_bp)  # customer records, person requests, 가명정보 export (/manage/customers)
    app.register_blueprint(customer_imports_bp)  # customer, interaction and order files (/manage/customers/import)
    app.register_blueprint(cases_bp)  # VOC cases (/manage/cases)
    app.register_blueprint(voc_cases_bp)  # a case's suggested topic, confirmed or corrected (/manage/cases/<id>/topic)
    app.register_blueprint(retention_bp)  # churn backtest, 이탈 위험 worklists, retention actions
