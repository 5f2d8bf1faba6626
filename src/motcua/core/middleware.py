"""Vietnamese first: the language is Vietnamese unless the person chose English on the page.

The browser's Accept-Language is ignored on purpose: many phones in Vietnam are set to English
while their owners read Vietnamese, and a public service portal speaks the country's language
until asked otherwise (the choice is kept in the language cookie).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
